package oastest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

const (
	rosteringBase = "http://127.0.0.1:43117/ims/oneroster/rostering/v1p2"
	gradebookBase = "http://localhost/ims/oneroster/gradebook/v1p2"
	scopeRoster   = "https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly"
	scopeCore     = "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly"
)

var jsonHeader = http.Header{"Content-Type": {"application/json"}}

func TestLoad(t *testing.T) {
	t.Parallel()
	want := map[Service]int{Rostering: 41, Gradebook: 35, Resources: 5}
	for _, s := range Services {
		t.Run(string(s), func(t *testing.T) {
			t.Parallel()
			v := Load(t, s)
			if again := Load(t, s); again != v {
				t.Error("second Load parsed the file again")
			}
			ops := v.Operations()
			if len(ops) != want[s] {
				t.Errorf("%d operations, want %d", len(ops), want[s])
			}
			ids := map[string]bool{}
			for _, op := range ops {
				if ids[op.ID] {
					t.Errorf("duplicate operationId %s", op.ID)
				}
				ids[op.ID] = true
				if !strings.HasPrefix(op.Path, s.BasePath()+"/") {
					t.Errorf("%s: path %s lacks base path %s", op.ID, op.Path, s.BasePath())
				}
				if len(op.Scopes) == 0 || op.SuccessStatus == 0 {
					t.Errorf("%s: no scopes or no success status: %+v", op.ID, op)
				}
				if op.Collection != (op.Method == http.MethodGet && op.SuccessStatus == 200 && !strings.HasSuffix(op.Path, "}")) {
					t.Errorf("%s %s: Collection = %v, unexpected", op.Method, op.Path, op.Collection)
				}
			}
		})
	}
}

func TestOperations(t *testing.T) {
	t.Parallel()
	find := func(s Service, id string) Operation {
		for _, op := range Load(t, s).Operations() {
			if op.ID == id {
				return op
			}
		}
		t.Fatalf("no operation %s in %s", id, s)
		return Operation{}
	}
	tests := []struct {
		s    Service
		want Operation
	}{
		{Rostering, Operation{Method: "GET", Path: "/ims/oneroster/rostering/v1p2/users", ID: "getAllUsers", Scopes: []string{scopeRoster, scopeCore}, Collection: true, SuccessStatus: 200}},
		{Rostering, Operation{Method: "GET", Path: "/ims/oneroster/rostering/v1p2/users/{sourcedId}", ID: "getUser", Scopes: []string{scopeRoster, scopeCore}, SuccessStatus: 200}},
		{Rostering, Operation{Method: "GET", Path: "/ims/oneroster/rostering/v1p2/classes/{classSourcedId}/students", ID: "getStudentsForClass", Scopes: []string{scopeRoster}, Collection: true, SuccessStatus: 200}},
		{Gradebook, Operation{Method: "PUT", Path: "/ims/oneroster/gradebook/v1p2/lineItems/{sourcedId}", ID: "putLineItem", Scopes: []string{"https://purl.imsglobal.org/spec/or/v1p2/scope/gradebook.createput"}, SuccessStatus: 201}},
		{Gradebook, Operation{Method: "DELETE", Path: "/ims/oneroster/gradebook/v1p2/results/{sourcedId}", ID: "deleteResult", Scopes: []string{"https://purl.imsglobal.org/spec/or/v1p2/scope/gradebook.delete"}, SuccessStatus: 204}},
		{Resources, Operation{Method: "GET", Path: "/ims/oneroster/resources/v1p2/users/{userSourcedId}/resources", ID: "getResourcesForUser", Scopes: []string{"https://purl.imsglobal.org/spec/or/v1p2/scope/resource.readonly"}, Collection: true, SuccessStatus: 200}},
	}
	for _, tt := range tests {
		got := find(tt.s, tt.want.ID)
		if got.Method != tt.want.Method || got.Path != tt.want.Path || got.Collection != tt.want.Collection ||
			got.SuccessStatus != tt.want.SuccessStatus || !slices.Equal(got.Scopes, tt.want.Scopes) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.want.ID, got, tt.want)
		}
	}
}

// validUser is a hand-written user exercising every format and reference
// kind of UserDType.
const validUser = `{
	"sourcedId": "usr-1",
	"status": "active",
	"dateLastModified": "2024-05-01T12:30:00.123Z",
	"metadata": {"vendor.house": "Gryffindor"},
	"username": "jdoe",
	"userIds": [{"type": "LDAP", "identifier": "jdoe@example.org"}],
	"enabledUser": "true",
	"givenName": "Jane",
	"familyName": "Doe",
	"roles": [
		{
			"roleType": "primary",
			"role": "student",
			"org": {"href": "https://sis.example.org/ims/oneroster/rostering/v1p2/orgs/org%2Fsch-1", "sourcedId": "org/sch-1", "type": "org"},
			"beginDate": "2024-09-01",
			"endDate": "2025-06-30"
		},
		{
			"roleType": "secondary",
			"role": "ext:librarian",
			"org": {"href": "https://sis.example.org/ims/oneroster/rostering/v1p2/orgs/dist-1", "sourcedId": "dist-1", "type": "org"}
		}
	],
	"primaryOrg": {"href": "https://sis.example.org/ims/oneroster/rostering/v1p2/orgs/org%2Fsch-1", "sourcedId": "org/sch-1", "type": "org"},
	"agents": [{"href": "https://sis.example.org/ims/oneroster/rostering/v1p2/users/usr-2", "sourcedId": "usr-2", "type": "user"}],
	"grades": ["09"],
	"email": "jane.doe@example.org"
}`

// mutate returns validUser wrapped as a users collection after change has
// edited its decoded form.
func mutate(t *testing.T, change func(u map[string]any)) []byte {
	t.Helper()
	var u map[string]any
	if err := json.Unmarshal([]byte(validUser), &u); err != nil {
		t.Fatal(err)
	}
	if change != nil {
		change(u)
	}
	b, err := json.Marshal(map[string]any{"users": []any{u}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func get(target string) *http.Request { return httptest.NewRequest(http.MethodGet, target, nil) }

func TestCheckUsers(t *testing.T) {
	t.Parallel()
	v := Load(t, Rostering)
	users := get(rosteringBase + "/users?limit=1")

	t.Run("valid", func(t *testing.T) {
		t.Parallel()
		header := http.Header{"Content-Type": {"application/json; charset=utf-8"}, "X-Total-Count": {"1"}}
		id, err := v.Check(users, 200, header, mutate(t, nil))
		if err != nil || id != "getAllUsers" {
			t.Fatalf("Check = %q, %v; want getAllUsers, nil", id, err)
		}
		if _, err := v.Check(users, 200, jsonHeader, []byte(`{"users":[]}`)); err != nil {
			t.Errorf("empty page: %v", err)
		}
		// Only the routed path matters, not the test server's address.
		if _, err := v.Check(get("/ims/oneroster/rostering/v1p2/users"), 200, jsonHeader, mutate(t, nil)); err != nil {
			t.Errorf("relative URL: %v", err)
		}
	})

	fails := []struct {
		name   string
		status int
		header http.Header
		body   []byte
		want   string // substring of the error
	}{
		{"enabledUser as JSON true", 200, jsonHeader, mutate(t, func(u map[string]any) { u["enabledUser"] = true }), "/users/0/enabledUser"},
		{"null value", 200, jsonHeader, mutate(t, func(u map[string]any) { u["middleName"] = nil }), "/users/0/middleName"},
		{"unknown property", 200, jsonHeader, mutate(t, func(u map[string]any) { u["nickname"] = "JD" }), "nickname"},
		{"missing required property", 200, jsonHeader, mutate(t, func(u map[string]any) { delete(u, "givenName") }), "givenName"},
		{"sourcedId as a number", 200, jsonHeader, mutate(t, func(u map[string]any) { u["sourcedId"] = 42 }), "/users/0/sourcedId"},
		{"dateLastModified not a date", 200, jsonHeader, mutate(t, func(u map[string]any) { u["dateLastModified"] = "yesterday" }), "/users/0/dateLastModified"},
		{"dateLastModified on 30 February", 200, jsonHeader, mutate(t, func(u map[string]any) { u["dateLastModified"] = "2024-02-30T00:00:00Z" }), "dateLastModified"},
		{"dateLastModified not in UTC", 200, jsonHeader, mutate(t, func(u map[string]any) { u["dateLastModified"] = "2024-05-01T12:30:00+02:00" }), "UTC"},
		{"dateLastModified without time zone", 200, jsonHeader, mutate(t, func(u map[string]any) { u["dateLastModified"] = "2024-05-01T12:30:00" }), "dateLastModified"},
		{"date with a time", 200, jsonHeader, mutate(t, func(u map[string]any) {
			u["roles"].([]any)[0].(map[string]any)["beginDate"] = "2024-09-01T00:00:00Z"
		}), "/users/0/roles/0/beginDate"},
		{"GUIDRef without href", 200, jsonHeader, mutate(t, func(u map[string]any) { delete(u["primaryOrg"].(map[string]any), "href") }), "href"},
		{"GUIDRef with relative href", 200, jsonHeader, mutate(t, func(u map[string]any) { u["primaryOrg"].(map[string]any)["href"] = "/orgs/org%2Fsch-1" }), "/users/0/primaryOrg/href"},
		{"GUIDRef with unencoded space in href", 200, jsonHeader, mutate(t, func(u map[string]any) { u["primaryOrg"].(map[string]any)["href"] = "https://x.example/orgs/a b" }), "/users/0/primaryOrg/href"},
		{"GUIDRef of the wrong type", 200, jsonHeader, mutate(t, func(u map[string]any) { u["primaryOrg"].(map[string]any)["type"] = "school" }), "/users/0/primaryOrg/type"},
		{"role outside the vocabulary", 200, jsonHeader, mutate(t, func(u map[string]any) { u["roles"].([]any)[0].(map[string]any)["role"] = "janitor" }), "/users/0/roles/0/role"},
		{"no roles", 200, jsonHeader, mutate(t, func(u map[string]any) { u["roles"] = []any{} }), "/users/0/roles"},
		{"status outside the enum", 200, jsonHeader, mutate(t, func(u map[string]any) { u["status"] = "inactive" }), "/users/0/status"},
		{"bare user instead of a collection", 200, jsonHeader, []byte(validUser), "sourcedId"},
		{"undeclared success status", 201, jsonHeader, mutate(t, nil), "status not declared"},
		{"undeclared redirect", 304, jsonHeader, nil, "status not declared"},
		{"no Content-Type", 200, http.Header{}, mutate(t, nil), "Content-Type"},
		{"X-Total-Count not an integer", 200, http.Header{"Content-Type": {"application/json"}, "X-Total-Count": {"many"}}, mutate(t, nil), "X-Total-Count"},
		{"duplicate member", 200, jsonHeader, []byte(`{"users":[],"users":[]}`), "duplicate member"},
		{"trailing data", 200, jsonHeader, []byte(`{"users":[]} {}`), "JSON"},
		{"empty body", 200, jsonHeader, nil, "JSON"},
	}
	for _, tt := range fails {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id, err := v.Check(users, tt.status, tt.header, tt.body)
			if err == nil {
				t.Fatalf("Check accepted %s", tt.body)
			}
			t.Log(err)
			if id != "getAllUsers" {
				t.Errorf("operationId = %q, want getAllUsers", id)
			}
			if msg := err.Error(); !strings.Contains(msg, tt.want) || !strings.Contains(msg, "getAllUsers") {
				t.Errorf("error %q does not mention %q and getAllUsers", msg, tt.want)
			}
		})
	}
}

const notFound = `{
	"imsx_codeMajor": "failure",
	"imsx_severity": "error",
	"imsx_description": "unknown user",
	"imsx_CodeMinor": {"imsx_codeMinorField": [{"imsx_codeMinorFieldName": "TargetEndSystem", "imsx_codeMinorFieldValue": "unknownobject"}]}
}`

func TestCheckStatusInfo(t *testing.T) {
	t.Parallel()
	v := Load(t, Rostering)
	tests := []struct {
		name   string
		req    *http.Request
		status int
		body   string
		wantID string
		ok     bool
	}{
		{"404 on getUser", get(rosteringBase + "/users/usr-404"), 404, notFound, "getUser", true},
		{"misspelt imsx_codeMinor", get(rosteringBase + "/users/usr-404"), 404, strings.Replace(notFound, "imsx_CodeMinor", "imsx_codeMinor", 1), "getUser", false},
		{"code minor outside the vocabulary", get(rosteringBase + "/users/usr-404"), 404, strings.Replace(notFound, `"unknownobject"`, `"not_found"`, 1), "getUser", false},
		{"no severity", get(rosteringBase + "/users/usr-404"), 404, `{"imsx_codeMajor": "failure"}`, "getUser", false},
		// getStudentsForClass declares no 404: the default response covers it.
		{"undeclared 404 falls back to default", get(rosteringBase + "/classes/cls-404/students"), 404, notFound, "getStudentsForClass", true},
		{"405 falls back to default", get(rosteringBase + "/users"), 405, notFound, "getAllUsers", true},
		{"default still checks the body", get(rosteringBase + "/users"), 405, `{"error": "method not allowed"}`, "getAllUsers", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id, err := v.Check(tt.req, tt.status, jsonHeader, []byte(tt.body))
			t.Log(err)
			if id != tt.wantID {
				t.Errorf("operationId = %q, want %q", id, tt.wantID)
			}
			if (err == nil) != tt.ok {
				t.Errorf("Check error = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestCheckRouting(t *testing.T) {
	t.Parallel()
	v := Load(t, Rostering)
	single := []byte(`{"user":` + validUser + `}`)
	tests := []struct {
		name   string
		target string
		wantID string // "" when no operation must match
	}{
		{"percent-encoded slash stays in the sourcedId", rosteringBase + "/users/org%2Fsch-1", "getUser"},
		{"percent-encoded slash does not reach a sub-resource", rosteringBase + "/users/u%2Fclasses", "getUser"},
		{"https and another host", "https://sis.example.org/ims/oneroster/rostering/v1p2/users/usr-1", "getUser"},
		{"wrong service", "http://localhost/ims/oneroster/gradebook/v1p2/users/usr-1", ""},
		{"no base path", "http://localhost/users/usr-1", ""},
		{"unknown resource", rosteringBase + "/pets/1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id, err := v.Check(get(tt.target), 200, jsonHeader, single)
			t.Log(err)
			if id != tt.wantID {
				t.Errorf("operationId = %q, want %q (err %v)", id, tt.wantID, err)
			}
			if (err == nil) != (tt.wantID != "") {
				t.Errorf("Check error = %v", err)
			}
		})
	}
	if _, err := v.Check(httptest.NewRequest(http.MethodPost, rosteringBase+"/users", nil), 201, jsonHeader, nil); err == nil {
		t.Error("POST /users matched, but rostering is read-only")
	}
}

func TestCheckFieldSelection(t *testing.T) {
	t.Parallel()
	v := Load(t, Rostering)
	org := `{"href": "https://sis.example.org/ims/oneroster/rostering/v1p2/orgs/o1", "sourcedId": "o1", "type": "org"}`
	tests := []struct {
		name   string
		target string
		body   string
		ok     bool
	}{
		{"collection", "/users?fields=sourcedId,givenName", `{"users": [{"sourcedId": "u1", "givenName": "Jane"}]}`, true},
		{"repeated parameter", "/users?fields=sourcedId&fields=primaryOrg", `{"users": [{"sourcedId": "u1", "primaryOrg": ` + org + `}]}`, true},
		{"single entity", "/users/u1?fields=sourcedId", `{"user": {"sourcedId": "u1"}}`, true},
		{"selected field missing", "/users?fields=sourcedId,givenName", `{"users": [{"sourcedId": "u1"}]}`, false},
		{"nested required still required", "/users?fields=sourcedId,primaryOrg", `{"users": [{"sourcedId": "u1", "primaryOrg": {"sourcedId": "o1", "type": "org"}}]}`, false},
		{"other errors still reported", "/users?fields=sourcedId", `{"users": [{"sourcedId": 1}]}`, false},
		{"no selection, all required", "/users", `{"users": [{"sourcedId": "u1", "givenName": "Jane"}]}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := v.Check(get(rosteringBase+tt.target), 200, jsonHeader, []byte(tt.body))
			t.Log(err)
			if (err == nil) != tt.ok {
				t.Errorf("Check error = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestCheckGradebook(t *testing.T) {
	t.Parallel()
	v := Load(t, Gradebook)
	result := func(source string) []byte {
		return []byte(`{"result": {
			"sourcedId": "res-1",
			"status": "active",
			"dateLastModified": "2024-05-01T12:30:00Z",
			"lineItem": {"href": "https://sis.example.org/ims/oneroster/gradebook/v1p2/lineItems/li-1", "sourcedId": "li-1", "type": "lineItem"},
			"student": {"href": "https://sis.example.org/ims/oneroster/rostering/v1p2/users/usr-1", "sourcedId": "usr-1", "type": "user"},
			"scoreStatus": "fully graded",
			"score": 9.5,
			"scoreDate": "2024-05-01",
			"learningObjectiveSet": [{"source": "` + source + `", "learningObjectiveResults": [{"learningObjectiveId": "lo-1", "score": 1}]}]
		}}`)
	}
	tests := []struct {
		name   string
		method string
		target string
		status int
		body   []byte
		ok     bool
	}{
		{"source from the vocabulary", "GET", "/results/res-1", 200, result("case"), true},
		// The ECMAScript look-ahead pattern ^/(?!case$)(?!unknown$)[a-z0-9]+$
		// wants a leading slash for extension sources.
		{"extension source", "GET", "/results/res-1", 200, result("/vendor1"), true},
		{"extension source without the slash", "GET", "/results/res-1", 200, result("vendor1"), false},
		{"extension source in upper case", "GET", "/results/res-1", 200, result("/Vendor"), false},
		{"PUT answers 201 without a body", "PUT", "/lineItems/li-1", 201, nil, true},
		{"PUT answering 200", "PUT", "/lineItems/li-1", 200, nil, false},
		{"PUT answering 201 with a body", "PUT", "/lineItems/li-1", 201, []byte(`{}`), false},
		{"DELETE answers 204", "DELETE", "/results/res-1", 204, nil, true},
		{"DELETE answering 200", "DELETE", "/results/res-1", 200, nil, false},
		{"POST answers the sourcedId pairs", "POST", "/classes/cls-1/lineItems", 201, []byte(`{"sourcedIdPairs": [{"suppliedSourcedId": "tmp-1", "allocatedSourcedId": "li-9"}]}`), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(tt.method, gradebookBase+tt.target, nil)
			id, err := v.Check(req, tt.status, jsonHeader, tt.body)
			t.Log(err)
			if id == "" {
				t.Fatalf("no operation matched: %v", err)
			}
			if (err == nil) != tt.ok {
				t.Errorf("%s: Check error = %v, want ok=%v", id, err, tt.ok)
			}
		})
	}
}

func TestValidateResponseReports(t *testing.T) {
	t.Parallel()
	v := Load(t, Rostering)
	req := get(rosteringBase + "/users")

	body := mutate(t, func(u map[string]any) { u["enabledUser"] = true })
	f := run(t, func(tb testing.TB) { v.ValidateResponse(tb, req, 200, jsonHeader, body) })
	if !f.errored {
		t.Fatal("ValidateResponse did not report a non-conforming body")
	}
	for _, want := range []string{"getAllUsers", "200", "/users/0/enabledUser", `value: true`} {
		if !strings.Contains(f.msg, want) {
			t.Errorf("message lacks %q:\n%s", want, f.msg)
		}
	}
	t.Logf("sample failure message:\n%s", f.msg)

	f = run(t, func(tb testing.TB) {
		if id := v.ValidateResponse(tb, req, 200, jsonHeader, mutate(t, nil)); id != "getAllUsers" {
			t.Errorf("operationId = %q", id)
		}
	})
	if f.errored || f.fatal {
		t.Errorf("ValidateResponse reported a conforming body: %s", f.msg)
	}
}
