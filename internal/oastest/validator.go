package oastest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Validator checks responses against one official OpenAPI file. It is safe
// for concurrent use by parallel tests.
type Validator struct {
	service Service
	router  routers.Router
	options *openapi3filter.Options
	ops     []Operation
	// absent, for a Validator of Optional without the files, says why:
	// ValidateResponse then checks nothing and Check fails.
	absent string
}

// Operation describes one operation of an OpenAPI file, for tests that must
// cover every endpoint (route tables, scope checks, pagination).
type Operation struct {
	// Method is the HTTP method in upper case.
	Method string
	// Path is the full path template, base path included, e.g.
	// /ims/oneroster/rostering/v1p2/users/{sourcedId}; "Method Path" is a
	// valid net/http ServeMux pattern.
	Path string
	// ID is the operationId.
	ID string
	// Scopes are the OAuth 2 scopes of the operation's security requirement.
	// OpenAPI reads the scopes of one requirement as all required, but
	// 1EdTech lists alternatives there (roster.readonly or
	// roster-core.readonly), so treat them as "any of".
	Scopes []string
	// Collection reports whether the operation takes a limit parameter,
	// i.e. is paginated.
	Collection bool
	// SuccessStatus is the lowest 2xx status declared (200, 201 or 204).
	SuccessStatus int
}

func load(dir string, s Service) (*Validator, error) {
	file := filepath.Join(dir, files[s])
	loader := openapi3.NewLoader()
	// The official files are self-contained; a $ref leaving the file would
	// mean a tampered copy, so refuse to follow it.
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromFile(file)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", file, err)
	}
	// A relative server URL has no scheme or host matcher in the gorillamux
	// router, so any test host matches, while the base path is still required.
	doc.Servers = openapi3.Servers{{URL: s.BasePath()}}
	// EnableSchemaFormatValidation makes a format kin-openapi has never heard
	// of an error, so a new format in a future file cannot go unchecked
	// unnoticed. (It knows "uri" by name without checking it: see formats.)
	if err := doc.Validate(context.Background(),
		openapi3.SetRegexCompiler(compileECMA),
		openapi3.EnableSchemaFormatValidation(),
	); err != nil {
		return nil, fmt.Errorf("validating %s: %w", file, err)
	}
	// gorillamux matches the escaped path, so org%2Fsch-1 stays one segment,
	// and sets no host matcher for a relative server URL; the legacy router
	// does not match a relative server URL at all.
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("routing %s: %w", file, err)
	}
	options := &openapi3filter.Options{
		// We validate responses only and never check OAuth here; this keeps
		// the request half of kin-openapi from demanding credentials.
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		IncludeResponseStatus: true,
		MultiError:            true,
		// ValidateResponse ignores RegexCompiler (only ValidateRequest reads
		// it), so the ECMA compiler also goes in as a schema option.
		RegexCompiler: compileECMA,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{
			openapi3.SetSchemaRegexCompiler(compileECMA),
			openapi3.WithStringFormatValidators(formats),
		},
	}
	options.WithCustomSchemaErrorFunc(schemaErrorMessage)
	ops, err := operations(doc, s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return &Validator{service: s, router: router, options: options, ops: ops}, nil
}

func operations(doc *openapi3.T, s Service) ([]Operation, error) {
	var ops []Operation
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			o := Operation{Method: method, Path: s.BasePath() + path, ID: op.OperationID}
			if o.ID == "" {
				return nil, fmt.Errorf("%s %s has no operationId", method, path)
			}
			security := doc.Security
			if op.Security != nil {
				security = *op.Security
			}
			for _, req := range security {
				for _, scheme := range slices.Sorted(maps.Keys(req)) {
					for _, scope := range req[scheme] {
						if !slices.Contains(o.Scopes, scope) {
							o.Scopes = append(o.Scopes, scope)
						}
					}
				}
			}
			for _, p := range slices.Concat(item.Parameters, op.Parameters) {
				if p.Value != nil && p.Value.In == openapi3.ParameterInQuery && p.Value.Name == "limit" {
					o.Collection = true
				}
			}
			for code := range op.Responses.Map() {
				n, err := strconv.Atoi(code)
				if err == nil && n >= 200 && n < 300 && (o.SuccessStatus == 0 || n < o.SuccessStatus) {
					o.SuccessStatus = n
				}
			}
			ops = append(ops, o)
		}
	}
	slices.SortFunc(ops, func(a, b Operation) int {
		return strings.Compare(a.Path+" "+a.Method, b.Path+" "+b.Method)
	})
	return ops, nil
}

// Operations lists every operation of the file, sorted by path then method.
// The slice is the caller's to modify.
func (v *Validator) Operations() []Operation {
	ops := slices.Clone(v.ops)
	for i := range ops {
		ops[i].Scopes = slices.Clone(ops[i].Scopes)
	}
	return ops
}

// ValidateResponse checks a response to req against the official file and
// fails the test (Errorf, so the test goes on) naming the operation, the
// status and every schema error when it does not conform. It returns the
// operationId matched, or "" when req matches no operation.
//
// See [Validator.Check] for what is checked.
func (v *Validator) ValidateResponse(t testing.TB, req *http.Request, status int, header http.Header, body []byte) (operationID string) {
	t.Helper()
	if v.absent != "" {
		return "" // the test's own assertions still run; Optional said why
	}
	id, err := v.Check(req, status, header, body)
	if err != nil {
		t.Errorf("%v\nresponse body: %s", err, excerpt(body, 2048))
	}
	return id
}

// Check is ValidateResponse returning the failure instead of reporting it, so
// that tests can expect a response to be rejected.
//
// It finds the operation for req's method and escaped path (so a sourcedId
// sent as org%2Fsch-1 stays one path segment), then checks:
//
//   - the status is declared for the operation. A declared "default"
//     response stands in for undeclared 4xx and 5xx codes only (OpenAPI lets
//     it cover any code, but every OneRoster operation declares a default
//     error payload, which would otherwise make a wrong success code such as
//     200 for a PUT declared 201 pass);
//   - the headers the response declares (X-Total-Count) have the declared
//     type;
//   - the Content-Type matches the declared media type and the body is
//     exactly one JSON value without duplicate member names, conforming to
//     the schema with additionalProperties, required, enum, pattern
//     (ECMAScript) and the date, date-time (UTC only) and uri formats
//     enforced;
//   - a response that declares no content has an empty body.
//
// When the request selects fields (?fields=givenName,familyName), a required
// property of the returned entities may be missing unless it was selected;
// everything else is checked as usual. Security requirements are not
// checked.
func (v *Validator) Check(req *http.Request, status int, header http.Header, body []byte) (operationID string, err error) {
	if v.absent != "" {
		return "", errors.New("oastest: no OpenAPI files: " + v.absent)
	}
	if req == nil || req.URL == nil {
		return "", errors.New("oastest: nil request")
	}
	route, rawParams, err := v.router.FindRoute(req)
	if err != nil {
		return "", fmt.Errorf("oastest: %s %s matches no operation of the %s service: %v", req.Method, req.URL.EscapedPath(), v.service, err)
	}
	op := route.Operation
	operationID = op.OperationID
	fail := func(format string, args ...any) error {
		return fmt.Errorf("oastest: %s (%s %s) answered %d: %s", operationID, req.Method, req.URL.EscapedPath(), status, fmt.Sprintf(format, args...))
	}

	params := make(map[string]string, len(rawParams))
	for k, raw := range rawParams {
		p, err := url.PathUnescape(raw)
		if err != nil {
			return operationID, fail("path parameter %s=%q: %v", k, raw, err)
		}
		params[k] = p
	}

	resp := op.Responses.Status(status)
	if resp == nil && status >= 400 {
		resp = op.Responses.Default()
	}
	if resp == nil || resp.Value == nil {
		return operationID, fail("status not declared for this operation (declared: %s)", strings.Join(op.Responses.Keys(), ", "))
	}
	if len(resp.Value.Content) == 0 {
		if len(body) > 0 {
			return operationID, fail("the spec declares no body for this status, got %d bytes", len(body))
		}
	} else if mt := header.Get("Content-Type"); strings.Contains(mt, "json") {
		// kin-openapi decodes only the first JSON value and keeps the last of
		// duplicate keys; exact JSON means neither may slip through.
		if err := checkJSON(body); err != nil {
			return operationID, fail("body is not exactly one JSON value: %v", err)
		}
	}

	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    req,
			PathParams: params,
			Route:      route,
			Options:    v.options,
		},
		Status:  status,
		Header:  header,
		Options: v.options,
	}
	input.SetBodyBytes(body)
	err = openapi3filter.ValidateResponse(req.Context(), input)
	if fields := selectedFields(req); fields != nil {
		err = withoutUnselected(err, fields)
	}
	if err != nil {
		return operationID, fail("%s", describe(err))
	}
	return operationID, nil
}

// selectedFields returns the fields a request selects with ?fields=a,b, or
// nil when it selects none.
func selectedFields(req *http.Request) map[string]bool {
	values, ok := req.URL.Query()["fields"]
	if !ok {
		return nil
	}
	fields := map[string]bool{}
	for _, v := range values {
		for f := range strings.SplitSeq(v, ",") {
			fields[strings.TrimSpace(f)] = true
		}
	}
	return fields
}

// withoutUnselected drops the "property is missing" errors that field
// selection explains: OneRoster returns only the selected fields, so the
// schema's required list cannot hold for the entity itself. Required members
// of nested objects (a GUIDRef's href) and selected fields still count.
func withoutUnselected(err error, fields map[string]bool) error {
	var re *openapi3filter.ResponseError
	if !errors.As(err, &re) || re.Err == nil {
		return err
	}
	var errs []error
	if me, ok := re.Err.(openapi3.MultiError); ok {
		errs = flatten(me)
	} else {
		errs = []error{re.Err}
	}
	kept := slices.DeleteFunc(errs, func(e error) bool {
		se, ok := e.(*openapi3.SchemaError)
		if !ok || se.SchemaField != "required" {
			return false
		}
		ptr := se.JSONPointer()
		entity := len(ptr) == 2 || len(ptr) == 3 && isIndex(ptr[1])
		return entity && !fields[ptr[len(ptr)-1]]
	})
	if len(kept) == 0 {
		return nil
	}
	return &openapi3filter.ResponseError{Input: re.Input, Reason: re.Reason, Err: openapi3.MultiError(kept)}
}

func isIndex(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

// describe flattens kin-openapi's nested errors into one line per problem.
func describe(err error) string {
	var re *openapi3filter.ResponseError
	if errors.As(err, &re) && re.Err != nil {
		if me, ok := re.Err.(openapi3.MultiError); ok {
			lines := make([]string, 0, len(me))
			for _, e := range flatten(me) {
				lines = append(lines, "\n\t"+e.Error())
			}
			return re.Reason + ":" + strings.Join(lines, "")
		}
	}
	return err.Error()
}

func flatten(me openapi3.MultiError) []error {
	var out []error
	for _, e := range me {
		if inner, ok := e.(openapi3.MultiError); ok {
			out = append(out, flatten(inner)...)
		} else {
			out = append(out, e)
		}
	}
	return out
}

// schemaErrorMessage replaces kin-openapi's default message, which dumps the
// whole schema (descriptions included) and buries the one line that matters.
// Objects and arrays are left out: the pointer locates them in the body.
func schemaErrorMessage(e *openapi3.SchemaError) string {
	at := "/" + strings.Join(e.JSONPointer(), "/")
	reason := e.Reason
	if reason == "" {
		reason = "does not match schema keyword " + strconv.Quote(e.SchemaField)
	}
	switch e.Value.(type) {
	case map[string]any, []any:
		return fmt.Sprintf("at %s: %s", at, reason)
	}
	v, _ := json.Marshal(e.Value)
	return fmt.Sprintf("at %s: %s (value: %s)", at, reason, excerpt(v, 120))
}

func excerpt(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return strings.ToValidUTF8(string(b[:n]), "") + fmt.Sprintf("… (%d bytes)", len(b))
}

// checkJSON rejects anything but a single JSON value whose objects have
// unique member names.
func checkJSON(body []byte) error {
	if !json.Valid(body) {
		// Unmarshal says why, and where.
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			return err
		}
		return errors.New("invalid JSON")
	}
	return checkValue(json.NewDecoder(bytes.NewReader(body)), "")
}

func checkValue(dec *json.Decoder, at string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		seen := map[string]bool{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return err
			}
			key := k.(string)
			if seen[key] {
				return fmt.Errorf("duplicate member %q in the object at /%s", key, strings.TrimPrefix(at, "/"))
			}
			seen[key] = true
			if err := checkValue(dec, at+"/"+key); err != nil {
				return err
			}
		}
		_, err = dec.Token()
		return err
	case json.Delim('['):
		for i := 0; dec.More(); i++ {
			if err := checkValue(dec, at+"/"+strconv.Itoa(i)); err != nil {
				return err
			}
		}
		_, err = dec.Token()
		return err
	}
	return nil
}
