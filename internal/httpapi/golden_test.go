package httpapi_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/oneroster/oneroster/internal/csvimport/importtest"
	"github.com/oneroster/oneroster/internal/httpapi"
	"github.com/oneroster/oneroster/internal/oastest"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

var writtenAt = regexp.MustCompile(`"dateLastModified":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z"`)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/golden from what the server answers")

// golden compares got with testdata/golden/name, or writes it with
// -update (read the diff before committing it).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -run %s -update writes it)", err, t.Name())
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it; read the diff)\nwant %s\n got %s", path, want, got)
	}
}

// TestGoldenObjects: one object of every entity type, byte for byte, as
// the REST binding answers it (hrefs with the server's address as BASE).
func TestGoldenObjects(t *testing.T) {
	st := engines[0].open(t)
	importtest.MustImport(t, st, storetest.WritePackage(t, storetest.FullFiles(), ""), storetest.T1)
	srv, _, token := newServer(t, st, httpapi.Config{RateLimit: -1})
	gbv := oastest.Optional(t, oastest.Gradebook)
	f := &fixture{srv: srv, token: token, v: gbv}
	// The Assessment Results Profile has no CSV file: written through REST.
	for _, w := range []struct{ path, body string }{
		{"/assessmentLineItems/a-1", `{"assessmentLineItem":{"title":"State test","description":"Spring","class":{"sourcedId":"cl-1"},"scoreScale":{"sourcedId":"ss-1"},` +
			`"resultValueMin":0,"resultValueMax":100,"learningObjectiveSet":[{"source":"ext:State.ELA","learningObjectiveIds":["RL.3.1"]}]}}`},
		{"/assessmentResults/ar-1", `{"assessmentResult":{"assessmentLineItem":{"sourcedId":"a-1"},"student":{"sourcedId":"u-s1"},"score":88,"scoreDate":"2026-04-01",` +
			`"scorePercentile":71.5,"scoreStatus":"fully graded","learningObjectiveSet":[{"source":"/state","learningObjectiveResults":[{"learningObjectiveId":"RL.3.1","score":3}]}]}}`},
	} {
		if r := f.send(t, "PUT", gb+w.path, w.body); r.status != 201 {
			t.Fatalf("PUT %s: %d %s", w.path, r.status, r.body)
		}
	}
	ids := map[*oneroster.Entity]string{
		oneroster.Org: "org/sch-1", oneroster.AcademicSession: "t-1", oneroster.Course: "c-math", oneroster.Class: "cl-1",
		oneroster.User: "u-s1", oneroster.Demographics: "u-s1", oneroster.Enrollment: "e-1",
		oneroster.Category: "cat-test", oneroster.LineItem: "li-2", oneroster.Result: "res-3", oneroster.ScoreScale: "ss-1",
		oneroster.AssessmentLineItem: "a-1", oneroster.AssessmentResult: "ar-1", oneroster.Resource: "rsc-reader",
	}
	services := map[string]oastest.Service{"rostering": oastest.Rostering, "gradebook": oastest.Gradebook, "resources": oastest.Resources}
	for _, e := range oneroster.Entities {
		id, ok := ids[e]
		if !ok {
			t.Errorf("no golden object for %s", e.Name)
			continue
		}
		g := &fixture{srv: srv, token: token, v: oastest.Optional(t, services[e.Service])}
		r := g.get(t, entityBase(e)+"/"+e.Plural+"/"+strings.ReplaceAll(id, "/", "%2F"))
		if r.status != 200 {
			t.Errorf("GET %s %s: %d %s", e.Name, id, r.status, r.body)
			continue
		}
		body := bytes.ReplaceAll(r.body, []byte(srv.URL), []byte("BASE"))
		if e.NoCSV { // written just now
			body = writtenAt.ReplaceAll(body, []byte(`"dateLastModified":"NOW"`))
		}
		golden(t, "objects/"+e.Name+".json", body)
	}
}

// TestGoldenDiscovery: the three discovery documents, byte for byte.
func TestGoldenDiscovery(t *testing.T) {
	_, routes, _ := discoveryServer(t)
	for _, svc := range []string{"rostering", "gradebook", "resources"} {
		data, err := httpapi.Discovery(routes, svc, "https://sis.example.org/ims/oneroster/"+svc+"/v1p2", "https://sis.example.org/oauth/token")
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "discovery/"+svc+".json", data)
	}
}
