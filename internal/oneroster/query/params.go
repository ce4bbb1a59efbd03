package query

import (
	"errors"
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/oneroster/oneroster/internal/oneroster"
)

// DefaultLimit is the page size of the standard, used when Options leaves
// DefaultLimit at zero.
const DefaultLimit = 100

// Params are the six query parameters of a read request, checked for
// syntax only.
type Params struct {
	Limit, Offset int
	Sort          []string // dotted names as given; empty means the default order
	Desc          bool     // orderBy=desc
	Filter        Expr     // nil when absent or blank
	Fields        []string // nil when absent; never empty when present
}

// Options say how to read the parameters of one endpoint.
type Options struct {
	DefaultLimit int // 0 means DefaultLimit
	// MaxLimit caps limit; a larger limit is lowered to it, not refused,
	// as rest-query.md §1 recommends. 0 means no cap below the int32
	// maximum of the OpenAPI type; beyond that, limit is refused like
	// offset.
	MaxLimit int
	// Collection is false for single-object GETs. The standard gives those
	// only fields, so the other five are then ignored like any unknown
	// parameter and Limit, Offset, Sort, Desc and Filter stay zero.
	Collection bool
}

// Parse reads the query parameters of a request. Parameters the standard
// does not define are ignored (rest-query.md §6). Errors are
// *oneroster.Error: invalid_filter_field for the filter,
// invalid_selection_field for fields and invaliddata for the rest.
func Parse(q url.Values, o Options) (Params, error) {
	var p Params
	if o.Collection {
		if err := parseCollection(q, o, &p); err != nil {
			return Params{}, err
		}
	}
	fields, err := parseFields(q["fields"])
	if err != nil {
		return Params{}, err
	}
	p.Fields = fields
	return p, nil
}

func parseCollection(q url.Values, o Options, p *Params) error {
	maxLimit := o.MaxLimit
	if maxLimit <= 0 || maxLimit > math.MaxInt32 {
		maxLimit = math.MaxInt32
	}
	p.Limit = o.DefaultLimit
	if p.Limit <= 0 {
		p.Limit = DefaultLimit
	}
	p.Limit = min(p.Limit, maxLimit)

	if v, ok, err := single(q, "limit"); err != nil {
		return err
	} else if ok {
		n, err := int32Param("limit", v, 1)
		if err != nil {
			return err
		}
		p.Limit = min(n, maxLimit)
	}

	if v, ok, err := single(q, "offset"); err != nil {
		return err
	} else if ok {
		n, err := int32Param("offset", v, 0)
		if err != nil {
			return err
		}
		p.Offset = n
	}

	if v, ok, err := single(q, "sort"); err != nil {
		return err
	} else if ok {
		sort, err := parseSort(v)
		if err != nil {
			return err
		}
		p.Sort = sort
	}

	if v, ok, err := single(q, "orderBy"); err != nil {
		return err
	} else if ok {
		switch v {
		case "asc":
		case "desc":
			p.Desc = true
		default:
			return invalidData("orderBy must be asc or desc, got %s", oneroster.Quote(v))
		}
	}

	if v, ok, err := single(q, "filter"); err != nil {
		return err
	} else if ok {
		f, err := ParseFilter(v)
		if err != nil {
			return err
		}
		p.Filter = f
	}
	return nil
}

// single returns the one value of a parameter that may be given once. A
// repeated parameter is refused rather than resolved by picking one,
// because either choice could silently return data the client did not ask
// for.
func single(q url.Values, name string) (string, bool, error) {
	vs := q[name]
	switch len(vs) {
	case 0:
		return "", false, nil
	case 1:
		return vs[0], true, nil
	}
	return "", false, invalidData("parameter %s repeated", name)
}

// int32Param parses limit or offset: a decimal integer from least to the
// int32 maximum. Both are int32 in the OpenAPI document (and a store may
// hold them in one), so a larger value is not a request for "as many as
// possible" but one that no conforming client sends (a gateway validating
// against the document refuses it too); a limit within int32 but above
// the server's maximum is a valid request, which the caller clamps.
func int32Param(name, v string, least int) (int, error) {
	n, err := atoi(v)
	if err != nil || n < least {
		want := "a non-negative integer"
		if least > 0 {
			want = "a positive integer"
		}
		return 0, invalidData("%s must be %s, got %s", name, want, oneroster.Quote(v))
	}
	if n > math.MaxInt32 {
		return 0, invalidData("%s must be at most %d, got %s", name, math.MaxInt32, oneroster.Quote(v))
	}
	return n, nil
}

// atoi parses a decimal integer, mapping values too large for int to
// MaxInt so that the range check of int32Param refuses them with the same
// message as any other value beyond int32.
func atoi(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if errors.Is(err, strconv.ErrRange) && n > 0 {
		return math.MaxInt, nil
	}
	return n, err
}

// parseSort accepts one name or a comma list. Whether the names exist is
// for the caller: the standard wants unknown sort fields ignored, not
// refused.
func parseSort(v string) ([]string, error) {
	if strings.TrimSpace(v) == "" {
		return nil, nil
	}
	parts := strings.Split(v, ",")
	for i, s := range parts {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil, invalidData("sort has a blank field name in %s", oneroster.Quote(v))
		}
		if !validPath(s) {
			return nil, invalidData("sort field %s is not a valid name", oneroster.Quote(s))
		}
		parts[i] = s
	}
	return parts, nil
}

// parseFields joins every fields parameter given; the OpenAPI document
// types it as a form-style array, so clients send either form.
func parseFields(vs []string) ([]string, error) {
	if len(vs) == 0 {
		return nil, nil
	}
	var out []string
	for _, v := range vs {
		for _, s := range strings.Split(v, ",") {
			s = strings.TrimSpace(s)
			if s == "" {
				return nil, oneroster.Errorf(oneroster.CodeInvalidSelectionField, "blank field selection")
			}
			if !validName(s) {
				return nil, oneroster.Errorf(oneroster.CodeInvalidSelectionField,
					"fields: %s is not a valid field name", oneroster.Quote(s))
			}
			out = append(out, s)
		}
	}
	return out, nil
}

func validName(s string) bool {
	if s == "" || !isNameStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isNameChar(s[i]) {
			return false
		}
	}
	return true
}

func validPath(s string) bool {
	for name := range strings.SplitSeq(s, ".") {
		if !validName(name) {
			return false
		}
	}
	return true
}

func invalidData(format string, args ...any) error {
	return oneroster.Errorf(oneroster.CodeInvalidData, format, args...)
}
