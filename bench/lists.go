package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
)

// services are the three services' bases, whose discovery documents list
// their operations.
var services = []string{rostering, gradebook, "/ims/oneroster/resources/v1p2"}

// listPaths reads the GET operations of the services' discovery documents
// that answer a collection: every path not ending in a path parameter.
func listPaths(ctx context.Context, a *api) ([]string, error) {
	var out []string
	for _, base := range services {
		_, b, err := a.get(ctx, base+"/discovery/")
		if err != nil {
			return nil, err
		}
		var doc struct {
			Paths map[string]map[string]json.RawMessage `json:"paths"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			return nil, fmt.Errorf("discovery of %s: %w", base, err)
		}
		for p, ops := range doc.Paths {
			if _, ok := ops["get"]; ok && !strings.HasSuffix(p, "}") {
				out = append(out, base+p)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// paramSource is where a path parameter's value is found: the first
// object of the collection its path prefix names, except where a
// parameter names something the prefix does not list (a user: a
// student's classes and resources are the interesting ones).
var paramSource = map[string]string{"userSourcedId": rostering + "/students"}

// fillPath gives every path parameter of p a real value, left to right:
// the first object of the collection up to it (/schools/{s}/classes/{c}:
// c is the first class of school s), or of its paramSource; an
// academicSession under a class is the class's first term.
func fillPath(ctx context.Context, a *api, p string) (string, error) {
	for {
		i := strings.Index(p, "{")
		if i < 0 {
			return p, nil
		}
		j := strings.Index(p[i:], "}") + i
		name := p[i+1 : j]
		var id string
		var err error
		switch {
		case name == "academicSessionSourcedId":
			id, err = firstOf(ctx, a, strings.TrimSuffix(p[:i], "/academicSessions/"), "class", "terms")
		case paramSource[name] != "" && !strings.Contains(p[:i], "{"):
			id, err = firstOf(ctx, a, paramSource[name]+"?limit=1", "", "")
		default:
			prefix := strings.TrimSuffix(p[:i], "/")
			id, err = firstOf(ctx, a, prefix+"?limit=1", "", "")
			if err != nil && !strings.Contains(prefix, "{") && !strings.HasPrefix(prefix, rostering) {
				// A rostering entity under another service (the
				// gradebook's /classes/{id}/lineItems): its own list.
				id, err = firstOf(ctx, a, rostering+prefix[strings.LastIndex(prefix, "/"):]+"?limit=1", "", "")
			}
		}
		if err != nil {
			return "", fmt.Errorf("%s: %s: %w", p, name, err)
		}
		p = p[:i] + url.PathEscape(id) + p[j+1:]
	}
}

// firstOf is the sourcedId of the first object of a collection, or with
// key and array set, of the first element of that array of the object at
// path.
func firstOf(ctx context.Context, a *api, path, key, array string) (string, error) {
	_, b, err := a.get(ctx, path)
	if err != nil {
		return "", err
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b, &doc); err != nil {
		return "", err
	}
	if key != "" {
		var obj map[string][]struct {
			SourcedID string `json:"sourcedId"`
		}
		if err := json.Unmarshal(doc[key], &obj); err != nil || len(obj[array]) == 0 {
			return "", fmt.Errorf("no %s in %s", array, path)
		}
		return obj[array][0].SourcedID, nil
	}
	for _, v := range doc {
		var list []struct {
			SourcedID string `json:"sourcedId"`
		}
		if json.Unmarshal(v, &list) == nil && len(list) > 0 {
			return list[0].SourcedID, nil
		}
	}
	return "", fmt.Errorf("%s is empty", path)
}

// everyList times a page of 100 of every list operation of the three
// services on a server with no cache, one request at a time (median of
// 3, each at its own offset so that no two ask the same page), against
// the same for GET /users?limit=100: issue 18's ≤ 3×.
func everyList(ctx context.Context, a *api, res *engineResult) error {
	paths, err := listPaths(ctx, a)
	if err != nil {
		return err
	}
	median := func(p string) (time.Duration, error) {
		var ds []time.Duration
		for i := range 3 {
			sep := "?"
			if strings.Contains(p, "?") {
				sep = "&"
			}
			t0 := time.Now()
			if _, _, err := a.get(ctx, p+sep+"limit=100&offset="+fmt.Sprint(i)); err != nil {
				return 0, err
			}
			ds = append(ds, time.Since(t0))
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return ds[1], nil
	}
	base, err := median(rostering + "/users")
	if err != nil {
		return err
	}
	var worst time.Duration
	var worstPath string
	missed := 0
	for _, p := range paths {
		filled, err := fillPath(ctx, a, p)
		if err != nil {
			res.note("every list: %v", err)
			continue
		}
		d, err := median(filled)
		if err != nil {
			return err
		}
		ratio := d.Seconds() / base.Seconds()
		if d > worst {
			worst, worstPath = d, p
		}
		if ratio > 3 {
			missed++
			res.add(row{Metric: "no cache: GET " + strings.TrimPrefix(p, "/ims/oneroster") + "?limit=100 (one at a time, median of 3)", Value: fmtDur(d),
				Ceiling: fmtDur(base) + " (/users)", Share: fmt.Sprintf("%.1f×", ratio), Target: "≤ 3×", Verdict: verdict(false, fmt.Sprintf("%.1f×", ratio))})
		}
	}
	res.add(row{Metric: fmt.Sprintf("no cache: every list operation (%d), a page of 100 one at a time, against GET /users?limit=100", len(paths)),
		Value:   fmt.Sprintf("%d over 3× (slowest %s: %s)", missed, strings.TrimPrefix(worstPath, "/ims/oneroster"), fmtDur(worst)),
		Ceiling: fmtDur(base) + " (/users)", Target: "≤ 3× each", Verdict: verdict(missed == 0, fmt.Sprintf("%d over", missed))})
	return nil
}
