package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/google/go-cmp/cmp"

	"github.com/oneroster/oneroster/internal/auth"
	"github.com/oneroster/oneroster/internal/csvimport/importtest"
	"github.com/oneroster/oneroster/internal/httpapi"
	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store/sqlite"
	"github.com/oneroster/oneroster/internal/store/storetest"
)

const rosteringBase = "/ims/oneroster/rostering/v1p2"

// discoveryServer serves the fixture district (with OAuth, as every test
// of the package) and returns its URL, route table and a token holding
// every scope. It needs none of the official OpenAPI files: the generated
// document is checked against what the server really answers.
func discoveryServer(t *testing.T) (srvURL string, routes []httpapi.Route, token string) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "discovery.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	importtest.MustImport(t, st, storetest.WritePackage(t, storetest.RosterFiles(), ""), storetest.T1)
	srv, api, token := newServer(t, st, httpapi.Config{})
	return srv.URL, api.Routes(), token
}

// loadDiscovery parses and validates a generated document the way a
// consumer would.
func loadDiscovery(t *testing.T, data []byte) *openapi3.T {
	t.Helper()
	if !json.Valid(data) {
		t.Fatalf("discovery document is not JSON:\n%s", data)
	}
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromData(data)
	if err != nil {
		t.Fatalf("loading the discovery document: %v", err)
	}
	if err := doc.Validate(loader.Context, openapi3.EnableSchemaFormatValidation()); err != nil {
		t.Fatalf("the discovery document is not valid OpenAPI 3: %v", err)
	}
	return doc
}

func TestDiscoveryDocument(t *testing.T) {
	_, routes, _ := discoveryServer(t)
	const server = "https://sis.example.org/ims/oneroster/rostering/v1p2"
	const tokenURL = "https://sis.example.org/oauth/token"
	data, err := httpapi.Discovery(routes, "rostering", server, tokenURL)
	if err != nil {
		t.Fatal(err)
	}
	again, err := httpapi.Discovery(routes, "rostering", server, tokenURL)
	if err != nil || !bytes.Equal(data, again) {
		t.Errorf("two generations differ (err %v)", err)
	}
	doc := loadDiscovery(t, data)

	if doc.OpenAPI != "3.0.3" || doc.Info.Version != "1.2" || doc.Info.Title != "OneRoster 1.2 Rostering service (oneroster)" {
		t.Errorf("openapi %q, info %q %q", doc.OpenAPI, doc.Info.Title, doc.Info.Version)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != server {
		t.Errorf("servers = %+v, want [%s]", doc.Servers, server)
	}
	scheme := doc.Components.SecuritySchemes["OAuth2CC"]
	if scheme == nil || scheme.Value.Type != "oauth2" || scheme.Value.Flows == nil || scheme.Value.Flows.ClientCredentials == nil {
		t.Fatalf("no OAuth2CC client-credentials scheme: %+v", scheme)
	}
	cc := scheme.Value.Flows.ClientCredentials
	if cc.TokenURL != tokenURL {
		t.Errorf("tokenUrl = %q, want %q", cc.TokenURL, tokenURL)
	}

	// Exactly the operations of the route table: ids, methods, paths and
	// scopes.
	type op struct {
		Method, Path, ID string
		Scopes           []string
		Collection       bool
	}
	var want, got []op
	usedScopes := map[string]bool{}
	for _, rt := range routes {
		if rt.Base != rosteringBase {
			continue
		}
		want = append(want, op{rt.Method, rt.Path, rt.OperationID, rt.Scopes, rt.Collection})
		for _, s := range rt.Scopes {
			usedScopes[s] = true
		}
	}
	for path, item := range doc.Paths.Map() {
		for method, o := range item.Operations() {
			if o.Security == nil || len(*o.Security) != 1 {
				t.Errorf("%s %s: security %v, want one requirement", method, path, o.Security)
				continue
			}
			req := (*o.Security)[0]
			if len(req) != 1 || req["OAuth2CC"] == nil {
				t.Errorf("%s %s: security requirement %v, want OAuth2CC only", method, path, req)
			}
			if !slices.Equal(o.Tags, []string{"rostering"}) || o.Summary == "" || !strings.Contains(o.Description, "scope") {
				t.Errorf("%s %s: tags %v, summary %q, description %q", method, path, o.Tags, o.Summary, o.Description)
			}
			limit := o.Parameters.GetByInAndName("query", "limit") != nil
			got = append(got, op{method, path, o.OperationID, req["OAuth2CC"], limit})
			checkParameters(t, path, o, limit)
			checkResponses(t, method+" "+path, o, limit)
		}
	}
	key := func(a, b op) int { return strings.Compare(a.Path+" "+a.Method, b.Path+" "+b.Method) }
	slices.SortFunc(want, key)
	slices.SortFunc(got, key)
	if len(want) != 41 {
		t.Errorf("the route table has %d rostering operations, want 41", len(want))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("operations of the document differ from the route table (-routes +document)\n%s", diff)
	}
	if diff := cmp.Diff(slices.Sorted(maps.Keys(usedScopes)), slices.Sorted(maps.Keys(cc.Scopes))); diff != "" {
		t.Errorf("scopes of the OAuth2CC flow differ from those of the routes (-routes +document)\n%s", diff)
	}
	for s, d := range cc.Scopes {
		if d == "" || strings.HasPrefix(d, "OneRoster scope ") {
			t.Errorf("scope %s has no description of its own: %q", s, d)
		}
	}

	// Schemas: one per entity reachable, typed by Kind.
	schemas := doc.Components.Schemas
	for _, name := range []string{"AcademicSession", "Class", "Course", "Demographics", "Enrollment", "Org", "User",
		"Role", "UserProfile", "Credential", "UserId", "GUIDRef", "Metadata", "imsx_StatusInfo",
		"UserSet", "UserSingle", "DemographicsSet", "DemographicsSingle"} {
		if schemas[name] == nil {
			t.Errorf("components.schemas lacks %s", name)
		}
	}
	for _, name := range []string{"LineItem", "Resource", "Category"} {
		if schemas[name] != nil {
			t.Errorf("components.schemas has %s, which no rostering operation returns", name)
		}
	}
	for _, e := range []*oneroster.Entity{oneroster.AcademicSession, oneroster.Class, oneroster.Course, oneroster.Demographics,
		oneroster.Enrollment, oneroster.Org, oneroster.User, oneroster.Role, oneroster.UserProfile} {
		checkEntitySchema(t, schemas, e)
	}
	prop := func(schema, name string) *openapi3.Schema {
		t.Helper()
		p := schemas[schema].Value.Properties[name]
		if p == nil {
			t.Fatalf("%s has no property %s", schema, name)
		}
		return p.Value
	}
	if p := prop("GUIDRef", "href"); p.Format != "uri" {
		t.Errorf("GUIDRef.href format %q", p.Format)
	}
	if p := prop("imsx_CodeMinorField", "imsx_codeMinorFieldValue"); len(p.Enum) != 9 || !slices.Contains(p.Enum, any("unknownobject")) {
		t.Errorf("rostering code-minor values: %v", p.Enum)
	}
	// Enum values come from the catalogue: closed vocabularies as enum,
	// extensible ones as the tokens or an ext: name.
	if p := prop("Org", "status"); !slices.Equal(p.Enum, []any{"active", "tobedeleted"}) {
		t.Errorf("Org.status enum %v", p.Enum)
	}
	if p := prop("Role", "roleType"); !slices.Equal(p.Enum, []any{"primary", "secondary"}) {
		t.Errorf("Role.roleType enum %v", p.Enum)
	}
	if p := prop("Org", "type"); len(p.AnyOf) != 2 || !slices.Contains(p.AnyOf[0].Value.Enum, any("school")) ||
		p.AnyOf[1].Value.Pattern != "^ext:[A-Za-z0-9._-]+$" || p.Enum != nil {
		t.Errorf("Org.type: %+v", p)
	}
	if p := prop("UserProfile", "credentials"); p.Items == nil || p.Items.Ref != "#/components/schemas/Credential" {
		t.Errorf("UserProfile.credentials: %+v", p)
	}
	if md := schemas["Metadata"].Value; md.AdditionalProperties.Has == nil || !*md.AdditionalProperties.Has {
		t.Errorf("Metadata is not an open object")
	}
}

// checkParameters checks the path and query parameters of one operation.
func checkParameters(t *testing.T, path string, o *openapi3.Operation, collection bool) {
	t.Helper()
	var inPath, inQuery []string
	for _, p := range o.Parameters {
		switch p.Value.In {
		case "path":
			inPath = append(inPath, "{"+p.Value.Name+"}")
			if !p.Value.Required || !p.Value.Schema.Value.Type.Is("string") || !strings.Contains(p.Value.Description, "%2F") {
				t.Errorf("%s: path parameter %s: %+v", path, p.Value.Name, p.Value)
			}
		case "query":
			inQuery = append(inQuery, p.Value.Name)
		}
	}
	var want []string
	for seg := range strings.SplitSeq(path, "/") {
		if strings.HasPrefix(seg, "{") {
			want = append(want, seg)
		}
	}
	if !slices.Equal(inPath, want) {
		t.Errorf("%s: path parameters %v, want %v", path, inPath, want)
	}
	wantQuery := []string{"fields"}
	if collection {
		wantQuery = []string{"limit", "offset", "sort", "orderBy", "filter", "fields"}
		limit := o.Parameters.GetByInAndName("query", "limit").Schema.Value
		if !limit.Type.Is("integer") || limit.Min == nil || *limit.Min != 1 || limit.Default != 100.0 || !strings.Contains(o.Parameters.GetByInAndName("query", "limit").Description, "10000") {
			t.Errorf("%s: limit %+v", path, limit)
		}
		if ob := o.Parameters.GetByInAndName("query", "orderBy").Schema.Value; !slices.Equal(ob.Enum, []any{"asc", "desc"}) {
			t.Errorf("%s: orderBy enum %v", path, ob.Enum)
		}
	}
	if !slices.Equal(inQuery, wantQuery) {
		t.Errorf("%s: query parameters %v, want %v", path, inQuery, wantQuery)
	}
}

func checkResponses(t *testing.T, op string, o *openapi3.Operation, collection bool) {
	t.Helper()
	want := []string{"200", "400", "401", "403", "404", "429", "500"}
	if got := slices.Sorted(maps.Keys(o.Responses.Map())); !slices.Equal(got, want) {
		t.Errorf("%s: responses %v, want %v", op, got, want)
	}
	ok := o.Responses.Status(200).Value
	if collection != (ok.Headers["X-Total-Count"] != nil && ok.Headers["Link"] != nil) {
		t.Errorf("%s: paging headers %v", op, slices.Sorted(maps.Keys(ok.Headers)))
	}
	for _, st := range []int{400, 401, 403, 404, 429, 500} {
		r := o.Responses.Status(st).Value
		if r.Content.Get("application/json").Schema.Ref != "#/components/schemas/imsx_StatusInfo" {
			t.Errorf("%s: %d is not an imsx_StatusInfo", op, st)
		}
	}
}

// checkEntitySchema compares one entity schema with the catalogue:
// properties in catalogue order, required list, closed object, types.
func checkEntitySchema(t *testing.T, schemas openapi3.Schemas, e *oneroster.Entity) {
	t.Helper()
	name := strings.ToUpper(e.Name[:1]) + e.Name[1:]
	ref := schemas[name]
	if ref == nil {
		return // reported by the caller
	}
	s := ref.Value
	if !s.Type.Is("object") || s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has {
		t.Errorf("%s: not a closed object", name)
	}
	var required []string
	for _, f := range e.Fields {
		if f.Required {
			required = append(required, f.Name)
		}
		p := s.Properties[f.Name]
		if p == nil {
			t.Errorf("%s lacks property %s", name, f.Name)
			continue
		}
		v := p.Value
		wantType, wantFormat := "string", ""
		switch f.Kind {
		case oneroster.Date:
			wantFormat = "date"
		case oneroster.DateTime, oneroster.DateAsTime:
			wantFormat = "date-time"
		case oneroster.ProfileID:
			wantFormat = "uri"
		case oneroster.Number:
			wantType = "number"
		case oneroster.Bool:
			if !slices.Equal(v.Enum, []any{"true", "false"}) {
				t.Errorf("%s.%s: enum %v, want the strings true and false", name, f.Name, v.Enum)
			}
		case oneroster.StringList, oneroster.RefList, oneroster.Children, oneroster.UserIDs, oneroster.Embedded, oneroster.LinkRefs, oneroster.Objectives, oneroster.ObjectivesJSON, oneroster.ScoreScaleValues:
			wantType = "array"
		case oneroster.Ref:
			wantType = ""
			if len(v.AllOf) != 1 || v.AllOf[0].Ref != "#/components/schemas/GUIDRef" {
				t.Errorf("%s.%s: not a GUIDRef", name, f.Name)
			}
		case oneroster.Metadata:
			wantType = "object"
			if p.Ref != "#/components/schemas/Metadata" {
				t.Errorf("%s.%s: not the Metadata schema", name, f.Name)
			}
		}
		if wantType == "" && v.Type != nil || wantType != "" && !v.Type.Is(wantType) || v.Format != wantFormat {
			t.Errorf("%s.%s (kind %d): type %v format %q, want %q %q", name, f.Name, f.Kind, v.Type, v.Format, wantType, wantFormat)
		}
		if wantType == "array" && f.Required && v.MinItems != 1 {
			t.Errorf("%s.%s: required array without minItems 1", name, f.Name)
		}
	}
	if !slices.Equal(s.Required, required) {
		t.Errorf("%s: required %v, want %v", name, s.Required, required)
	}
	extra := 0
	if e == oneroster.UserProfile {
		extra = 1 // credentials, nested by the renderer
	}
	if len(s.Properties) != len(e.Fields)+extra {
		t.Errorf("%s: %d properties, catalogue has %d", name, len(s.Properties), len(e.Fields))
	}
}

// TestDiscoveryOtherServices: a service without routes still gets a valid
// (empty) document, and bad arguments are refused.
func TestDiscoveryOtherServices(t *testing.T) {
	_, routes, _ := discoveryServer(t)
	for svc, want := range map[string]int{"gradebook": 22, "resources": 5} {
		data, err := httpapi.Discovery(routes, svc, "http://h/ims/oneroster/"+svc+"/v1p2", "http://h/oauth/token")
		if err != nil {
			t.Fatal(err)
		}
		doc := loadDiscovery(t, data)
		if n := doc.Paths.Len(); n != want {
			t.Errorf("%s: %d paths, want %d", svc, n, want)
		}
	}
	for _, tc := range []struct{ svc, server, token string }{
		{"roster", "http://h/x", "http://h/t"},
		{"rostering", "/ims/oneroster/rostering/v1p2", "http://h/t"},
		{"rostering", "http://h/x", "oauth/token"},
	} {
		if _, err := httpapi.Discovery(routes, tc.svc, tc.server, tc.token); err == nil {
			t.Errorf("Discovery(%q, %q, %q) succeeded", tc.svc, tc.server, tc.token)
		}
	}
}

// TestDiscoveryDescribesResponses validates real responses of the server
// against the document it would publish: the contract we advertise must
// describe what we serve.
func TestDiscoveryDescribesResponses(t *testing.T) {
	srvURL, routes, token := discoveryServer(t)
	data, err := httpapi.Discovery(routes, "rostering", srvURL+rosteringBase, srvURL+auth.TokenPath)
	if err != nil {
		t.Fatal(err)
	}
	doc := loadDiscovery(t, data)
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	options := &openapi3filter.Options{
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		IncludeResponseStatus: true,
		MultiError:            true,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{
			openapi3.WithStringFormatValidators(strictFormats),
		},
	}
	validate := func(req *http.Request, status int, header http.Header, body []byte) (string, error) {
		route, params, err := router.FindRoute(req)
		if err != nil {
			return "", err
		}
		for k, v := range params {
			if params[k], err = url.PathUnescape(v); err != nil {
				return "", err
			}
		}
		in := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: options},
			Status:                 status,
			Header:                 header,
			Options:                options,
		}
		in.SetBodyBytes(body)
		return route.Operation.OperationID, openapi3filter.ValidateResponse(req.Context(), in)
	}
	fetch := func(path, token string) (*http.Request, *http.Response, []byte) {
		t.Helper()
		req, err := http.NewRequest("GET", srvURL+rosteringBase+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return req, res, body
	}

	sch1 := url.PathEscape("org/sch-1")
	cases := []struct {
		path   string
		noAuth bool
		status int
		op     string
	}{
		{"/users", false, 200, "getAllUsers"},
		{"/users/u-s1", false, 200, "getUser"},
		{"/orgs", false, 200, "getAllOrgs"},
		{"/orgs/" + sch1, false, 200, "getOrg"},
		{"/classes", false, 200, "getAllClasses"},
		{"/enrollments", false, 200, "getAllEnrollments"},
		{"/academicSessions", false, 200, "getAllAcademicSessions"},
		{"/demographics", false, 200, "getAllDemographics"},
		{"/demographics/u-s1", false, 200, "getDemographics"},
		{"/courses", false, 200, "getAllCourses"},
		{"/schools/" + sch1 + "/classes/cl-1/students", false, 200, "getStudentsForClassInSchool"},
		{"/terms/t-1/gradingPeriods", false, 200, "getGradingPeriodsForTerm"},
		{"/users?limit=2&offset=2&sort=familyName&orderBy=desc", false, 200, "getAllUsers"},
		{"/users?filter=" + url.QueryEscape("givenName='Nobody'"), false, 200, "getAllUsers"},
		{"/users/nobody", false, 404, "getUser"},
		{"/classes/nope/students", false, 404, "getStudentsForClass"},
		{"/users?filter=" + url.QueryEscape("shoeSize='9'"), false, 400, "getAllUsers"},
		{"/users?fields=shoeSize", false, 400, "getAllUsers"},
		{"/users", true, 401, "getAllUsers"},
	}
	for _, tc := range cases {
		tok := token
		if tc.noAuth {
			tok = ""
		}
		req, res, body := fetch(tc.path, tok)
		if res.StatusCode != tc.status {
			t.Errorf("GET %s: status %d, want %d: %s", tc.path, res.StatusCode, tc.status, body)
			continue
		}
		op, err := validate(req, res.StatusCode, res.Header, body)
		if err != nil {
			t.Errorf("GET %s (%d) does not conform to the discovery document: %v\nbody: %s", tc.path, res.StatusCode, err, body)
		}
		if op != tc.op {
			t.Errorf("GET %s routed to %q in the document, want %s", tc.path, op, tc.op)
		}
	}

	// The validation has teeth: a property the schema does not declare, a
	// JSON boolean and a relative href are each rejected.
	req, res, body := fetch("/users/u-s1", token)
	for _, bad := range []struct{ old, new string }{
		{`"givenName":`, `"nickname":"B","givenName":`},
		{`"enabledUser":"true"`, `"enabledUser":true`},
		{`"href":"` + srvURL, `"href":"`},
	} {
		mutated := bytes.Replace(body, []byte(bad.old), []byte(bad.new), 1)
		if bytes.Equal(mutated, body) {
			t.Fatalf("%s not found in %s", bad.old, body)
		}
		if _, err := validate(req, res.StatusCode, res.Header, mutated); err == nil {
			t.Errorf("a body with %s instead of %s passed validation", bad.new, bad.old)
		}
	}
}

// strictFormats makes the formats the document uses mean what JSON Schema
// says: an absolute uri, and date-times in UTC as OneRoster requires.
// (kin-openapi checks date and date-time but not uri by default.)
var strictFormats = map[string]openapi3.StringFormatValidator{
	"uri": openapi3.NewCallbackValidator(func(s string) error {
		u, err := url.Parse(s)
		if err != nil {
			return err
		}
		if u.Scheme == "" || (u.Scheme == "http" || u.Scheme == "https") && u.Host == "" || strings.ContainsAny(s, " \"<>{}") {
			return errors.New("not an absolute URI")
		}
		return nil
	}),
	"date-time": openapi3.NewCallbackValidator(func(s string) error {
		if !utcDateTime.MatchString(s) {
			return errors.New("not a UTC date-time")
		}
		return nil
	}),
}

var utcDateTime = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$`)
