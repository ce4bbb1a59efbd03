package httpapi

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/oneroster/oneroster/internal/jsonbind"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store"
)

// A client whose sharing rule lists orgs sees only their data: every read
// and every write goes to the store within store.Visible (which decides
// the rows), and the objects it receives are trimmed of references to
// objects outside (a user's roles at other schools, an org's other
// children, a parent's other children). Outside the view is answered
// exactly as nonexistent.

// visibleTo returns the subsets of a view's row rule (none for a view
// that sees every org).
func visibleTo(v jsonbind.View) []store.Subset {
	if len(v.Orgs) == 0 {
		return nil
	}
	return []store.Subset{{Name: store.Visible, Arg: strings.Join(v.Orgs, " ")}}
}

// version is the data version that answers of e for view v are cached
// under: what a restricted client sees of a table can change with a write
// to another (store.List does the same).
func (s *Server) version(ctx context.Context, e *oneroster.Entity, v jsonbind.View) (int64, error) {
	if len(v.Orgs) > 0 {
		e = oneroster.Result // its version follows every write
	}
	return s.st.Version(ctx, e)
}

// trim removes from recs (objects of e) every reference to an object the
// view does not see: one query per entity referred to. An optional single
// reference becomes absent; list items and embedded roles are left out.
// A record is copied before it is changed, since the store may share it.
func (s *Server) trim(ctx context.Context, v jsonbind.View, e *oneroster.Entity, recs []store.Record) error {
	vis := visibleTo(v)
	if vis == nil || len(recs) == 0 {
		return nil
	}
	cols := s.enc.ColumnIndex(e)
	roleOrg := s.enc.ColumnIndex(oneroster.Role)["orgSourcedId"]
	// The ids each field refers to, by target entity.
	want := map[*oneroster.Entity]map[string]bool{}
	note := func(target *oneroster.Entity, id string) {
		if target == nil || id == "" {
			return
		}
		if want[target] == nil {
			want[target] = map[string]bool{}
		}
		want[target][id] = true
	}
	for _, rec := range recs {
		for _, f := range e.Fields {
			target := oneroster.EntityNamed(f.RefType)
			switch f.Kind {
			case oneroster.Ref:
				note(target, rec.Vals[cols[f.Col]])
			case oneroster.RefList:
				for _, id := range oneroster.SplitList(rec.Vals[cols[f.Col]]) {
					note(target, id)
				}
			case oneroster.Children, oneroster.LinkRefs, oneroster.LinkRef:
				for _, sub := range rec.Sub[f.Name] {
					note(target, sub.Vals[0])
				}
			case oneroster.Embedded:
				if f.Name == "roles" {
					for _, sub := range rec.Sub[f.Name] {
						note(oneroster.Org, sub.Vals[roleOrg])
					}
				}
			}
		}
	}
	seen := map[*oneroster.Entity]map[string]bool{}
	for target, ids := range want {
		got, err := s.st.Among(ctx, target, slices.Collect(maps.Keys(ids)), vis...)
		if err != nil {
			return err
		}
		seen[target] = map[string]bool{}
		for _, id := range got {
			seen[target][id] = true
		}
	}
	for i := range recs {
		recs[i] = trimmed(e, recs[i], cols, roleOrg, seen)
	}
	return nil
}

// trimmed returns rec without the references seen does not hold.
func trimmed(e *oneroster.Entity, rec store.Record, cols map[string]int, roleOrg int, seen map[*oneroster.Entity]map[string]bool) store.Record {
	copied := false
	own := func() {
		if copied {
			return
		}
		copied = true
		rec.Vals = slices.Clone(rec.Vals)
		sub := make(map[string][]store.Record, len(rec.Sub))
		for k, v := range rec.Sub {
			sub[k] = v
		}
		rec.Sub = sub
	}
	keepSubs := func(name string, ok func(store.Record) bool) {
		subs := rec.Sub[name]
		kept := slices.DeleteFunc(slices.Clone(subs), func(r store.Record) bool { return !ok(r) })
		if len(kept) != len(subs) {
			own()
			rec.Sub[name] = kept
		}
	}
	for _, f := range e.Fields {
		ok := seen[oneroster.EntityNamed(f.RefType)]
		switch f.Kind {
		case oneroster.Ref:
			if i := cols[f.Col]; rec.Vals[i] != "" && !ok[rec.Vals[i]] && !f.Required {
				own()
				rec.Vals[i] = ""
			}
		case oneroster.RefList:
			i := cols[f.Col]
			ids := oneroster.SplitList(rec.Vals[i])
			kept := slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return !ok[id] })
			if len(kept) != len(ids) {
				own()
				rec.Vals[i] = strings.Join(kept, ",")
			}
		case oneroster.Children, oneroster.LinkRefs, oneroster.LinkRef:
			keepSubs(f.Name, func(r store.Record) bool { return ok[r.Vals[0]] })
		case oneroster.Embedded:
			if f.Name == "roles" {
				orgs := seen[oneroster.Org]
				keepSubs(f.Name, func(r store.Record) bool { return orgs[r.Vals[roleOrg]] })
			}
		}
	}
	return rec
}
