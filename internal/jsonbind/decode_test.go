package jsonbind

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/oneroster/oneroster/internal/oneroster"
	"github.com/oneroster/oneroster/internal/store"
)

// writtenOpts compares decoded objects on what the tables below give:
// the JSON path of an object and the column of a reference are checked
// by TestDecodePathsAndColumns.
var writtenOpts = cmp.Options{
	cmp.Comparer(func(a, b *oneroster.Entity) bool { return a == b }),
	cmpopts.EquateEmpty(),
	cmpopts.IgnoreFields(store.Object{}, "Path"),
	cmpopts.IgnoreFields(store.Ref{}, "Col"),
}

// decodeWrapper decodes a PUT body (plural false) or a POST body.
func decodeWrapper(e *oneroster.Entity, body []byte, plural bool, pathID string) ([]store.Object, error) {
	if plural {
		return DecodePost(e, body, nil)
	}
	o, err := DecodePut(e, body, pathID)
	if err != nil {
		return nil, err
	}
	return []store.Object{o}, nil
}

// decodeObject decodes one object (no wrapper) as the decoder does each
// object of a body, its messages' paths starting with e.Name; pathID ""
// requires a sourcedId, as a POST does.
func decodeObject(e *oneroster.Entity, raw []byte, pathID string) (store.Object, error) {
	if err := checkSyntax(raw); err != nil {
		return store.Object{}, err
	}
	var p problems
	w, err := (&bodyDecoder{p: &p}).object(e, raw, pathID, e.Name)
	if err != nil {
		return store.Object{}, err
	}
	return w, p.err()
}

// TestDecodePathsAndColumns: each decoded object carries its JSON path,
// and each reference the path of its property and, for a reference held
// in a column, that column (which decides the CSV binding's type rule).
func TestDecodePathsAndColumns(t *testing.T) {
	put, err := DecodePut(oneroster.LineItem, []byte(`{"lineItem": {"title": "Essay", "assignDate": "2024-09-01", "dueDate": "2024-09-15",
		"class": {"sourcedId": "c-1"}, "school": {"sourcedId": "s-1"}, "gradingPeriod": {"sourcedId": "t-1"}, "category": {"sourcedId": "cat-1"},
		"scoreScale": {"sourcedId": "ss-1"}}}`), "li-1")
	if err != nil {
		t.Fatal(err)
	}
	want := store.Object{Path: "lineItem", Refs: []store.Ref{
		{Path: "lineItem.class", Entity: oneroster.Class, Col: "classSourcedId", ID: "c-1"},
		{Path: "lineItem.school", Entity: oneroster.Org, Col: "schoolSourcedId", ID: "s-1"},
		{Path: "lineItem.category", Entity: oneroster.Category, Col: "categorySourcedId", ID: "cat-1"},
		{Path: "lineItem.scoreScale", Entity: oneroster.ScoreScale, ID: "ss-1"},
		{Path: "lineItem.gradingPeriod", Entity: oneroster.AcademicSession, Col: "academicSessionSourcedId", ID: "t-1"},
	}}
	opts := cmp.Options{cmp.Comparer(func(a, b *oneroster.Entity) bool { return a == b }), cmpopts.IgnoreFields(store.Object{}, "Vals", "Links")}
	if diff := cmp.Diff(want, put, opts); diff != "" {
		t.Errorf("PUT (-want +got):\n%s", diff)
	}
	posted, err := DecodePost(oneroster.Result, []byte(`{"results": [`+obj(resultBase)+`, `+obj(resultBase, kv{"sourcedId", `"tmp-2"`})+`]}`),
		map[string]string{"lineItem": "li-1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(posted) != 2 || posted[1].Path != "results[1]" {
		t.Fatalf("POST: %d objects, the second at %q; want 2, at results[1]", len(posted), posted[1].Path)
	}
	for _, ref := range posted[1].Refs {
		if ref.Path == "results[1].lineItem" && ref.Col != "lineItemSourcedId" {
			t.Errorf("the line item's reference is in column %q, want lineItemSourcedId", ref.Col)
		}
	}
}

const (
	caseID1 = "9d1c1d0e-3b39-4a69-9d0e-2d9d7a8b1f10"
	caseID2 = "urn:uuid:A7F2C3D4-1111-4222-8333-444455556666"
)

func TestDecodeBodyValid(t *testing.T) {
	tests := []struct {
		name   string
		e      *oneroster.Entity
		pathID string
		body   string
		want   store.Object
	}{{
		name: "category", e: oneroster.Category, pathID: "cat-1",
		body: `{"category": {"sourcedId": "cat-1", "status": "active", "dateLastModified": "2024-09-01T00:00:00.000Z",
			"metadata": {"z": 1.50, "a": {"y": "b", "x": true}, "acme:room": "12B"}, "title": "Homework", "weight": 25.5}}`,
		want: store.Object{Vals: map[string]string{
			"sourcedId": "cat-1", "status": "active", "metadata": `{"a":{"x":true,"y":"b"},"acme:room":"12B","z":1.50}`,
			"title": "Homework", "weight": "25.5",
		}},
	}, {
		name: "lineItem", e: oneroster.LineItem, pathID: "li-1",
		body: `{"lineItem": {"sourcedId": "li-1", "status": "tobedeleted", "title": "Essay", "description": "Write 500 words",
			"assignDate": "2024-09-01T01:00:00+02:00", "dueDate": "2024-09-15",
			"class": {"href": "https://sis.example.org/ims/oneroster/rostering/v1p2/classes/c-1", "sourcedId": "c-1", "type": "class"},
			"school": {"sourcedId": "s-1", "type": "org"},
			"category": {"sourcedId": "cat-1"},
			"academicSession": {"sourcedId": "t-1", "type": "academicSession"},
			"scoreScale": {"sourcedId": "ss-1", "type": "scoreScale"},
			"resultValueMin": 0, "resultValueMax": 100,
			"learningObjectiveSet": [
				{"source": "case", "learningObjectiveIds": ["` + caseID1 + `", "` + caseID2 + `"]},
				{"learningObjectiveIds": ["MATH.1"], "source": "/state"}]}}`,
		want: store.Object{
			Vals: map[string]string{
				"sourcedId": "li-1", "status": "tobedeleted", "metadata": "", "title": "Essay", "description": "Write 500 words",
				"assignDate": "2024-09-01", "dueDate": "2024-09-15",
				"classSourcedId": "c-1", "schoolSourcedId": "s-1", "categorySourcedId": "cat-1",
				"academicSessionSourcedId": "t-1", "resultValueMin": "0", "resultValueMax": "100",
			},
			Refs: []store.Ref{
				{Path: "lineItem.class", Entity: oneroster.Class, ID: "c-1"},
				{Path: "lineItem.school", Entity: oneroster.Org, ID: "s-1"},
				{Path: "lineItem.category", Entity: oneroster.Category, ID: "cat-1"},
				{Path: "lineItem.academicSession", Entity: oneroster.AcademicSession, ID: "t-1"},
				{Path: "lineItem.scoreScale", Entity: oneroster.ScoreScale, ID: "ss-1"},
			},
			Links: map[string]string{"scoreScale": "ss-1"},
			Objectives: []store.Objective{
				{Source: "case", ID: caseID1},
				{Source: "case", ID: caseID2},
				{Source: "ext:state", ID: "MATH.1"},
			},
		},
	}, {
		name: "result", e: oneroster.Result, pathID: "r-1",
		body: `{"result": {"sourcedId": "r-1", "dateLastModified": "2024-09-01", "lineItem": {"sourcedId": "li-1", "type": "lineItem"},
			"student": {"sourcedId": "u-1", "type": "user"}, "class": {"sourcedId": "c-1", "type": "class"},
			"scoreStatus": "fully graded", "score": 105, "textScore": "A+", "scoreDate": "2024-09-20T23:30:00-05:00", "comment": "Extra credit",
			"learningObjectiveSet": [{"source": "unknown", "learningObjectiveResults": [
				{"learningObjectiveId": "LO-1", "score": 3.5, "textScore": "mastered"}, {"learningObjectiveId": "LO-2"}]}],
			"inProgress": "false", "incomplete": "false", "late": "true", "missing": "false"}}`,
		want: store.Object{
			Vals: map[string]string{
				"sourcedId": "r-1", "status": "active", "metadata": "",
				"lineItemSourcedId": "li-1", "studentSourcedId": "u-1", "classSourcedId": "c-1",
				"scoreStatus": "fully graded", "score": "105", "textScore": "A+", "scoreDate": "2024-09-20", "comment": "Extra credit",
				"inProgress": "false", "incomplete": "false", "late": "true", "missing": "false",
			},
			Refs: []store.Ref{
				{Path: "result.lineItem", Entity: oneroster.LineItem, ID: "li-1"},
				{Path: "result.student", Entity: oneroster.User, ID: "u-1"},
				{Path: "result.class", Entity: oneroster.Class, ID: "c-1"},
			},
			Links: map[string]string{"scoreScale": ""},
			Objectives: []store.Objective{
				{Source: "unknown", ID: "LO-1", Score: "3.5", TextScore: "mastered"},
				{Source: "unknown", ID: "LO-2"},
			},
		},
	}, {
		name: "scoreScale", e: oneroster.ScoreScale, pathID: "ss-1",
		body: `{"scoreScale": {"sourcedId": "ss-1", "status": "active", "title": "Letters", "type": "letter",
			"course": {"sourcedId": "co-1", "type": "course"}, "class": {"sourcedId": "c-1", "type": "class"},
			"scoreScaleValue": [{"itemValueLHS": "90-100", "itemValueRHS": "A"}, {"itemValueRHS": "B: good", "itemValueLHS": "80"}]}}`,
		want: store.Object{
			Vals: map[string]string{
				"sourcedId": "ss-1", "status": "active", "metadata": "", "title": "Letters", "type": "letter",
				"courseSourcedId": "co-1", "classSourcedId": "c-1", "scoreScaleValue": "{90-100:A},{80:B: good}",
			},
			Refs: []store.Ref{
				{Path: "scoreScale.course", Entity: oneroster.Course, ID: "co-1"},
				{Path: "scoreScale.class", Entity: oneroster.Class, ID: "c-1"},
			},
		},
	}, {
		name: "assessmentLineItem", e: oneroster.AssessmentLineItem, pathID: "ali-2",
		body: `{"assessmentLineItem": {"title": "Unit test, part 2", "class": {"sourcedId": "c-1"},
			"parentAssessmentLineItem": {"sourcedId": "ali-1", "type": "assessmentLineItem"},
			"scoreScale": {"sourcedId": "ss-1"}, "resultValueMin": -5, "resultValueMax": 1.5e2,
			"learningObjectiveSet": [{"learningObjectiveIds": ["A.1", "A.2"], "source": "/state"},
				{"source": "case", "learningObjectiveIds": ["` + caseID2 + `"]}]}}`,
		want: store.Object{
			Vals: map[string]string{
				"sourcedId": "ali-2", "status": "active", "metadata": "", "title": "Unit test, part 2", "description": "",
				"classSourcedId": "c-1", "parentAssessmentLineItemSourcedId": "ali-1", "scoreScaleSourcedId": "ss-1",
				"resultValueMin": "-5", "resultValueMax": "150",
				"learningObjectiveSet": `[{"source":"ext:state","learningObjectiveIds":["A.1","A.2"]},{"source":"case","learningObjectiveIds":["` + caseID2 + `"]}]`,
			},
			Refs: []store.Ref{
				{Path: "assessmentLineItem.class", Entity: oneroster.Class, ID: "c-1"},
				{Path: "assessmentLineItem.parentAssessmentLineItem", Entity: oneroster.AssessmentLineItem, ID: "ali-1"},
				{Path: "assessmentLineItem.scoreScale", Entity: oneroster.ScoreScale, ID: "ss-1"},
			},
		},
	}, {
		name: "assessmentResult", e: oneroster.AssessmentResult, pathID: "ar-1",
		body: `{"assessmentResult": {"sourcedId": "ar-1", "status": "active", "dateLastModified": "2024-09-01T00:00:00.000Z",
			"metadata": {}, "assessmentLineItem": {"sourcedId": "ali-1", "type": "assessmentLineItem"},
			"student": {"sourcedId": "u-1", "type": "user"}, "score": 0.1, "scoreDate": "2024-09-20",
			"scoreScale": {"sourcedId": "ss-1", "type": "scoreScale"}, "scorePercentile": 87.25,
			"scoreStatus": "ext:late-penalty", "comment": "line 1\nline 2 \u00e9",
			"learningObjectiveSet": [{"source": "case", "learningObjectiveResults": [
				{"textScore": "B", "score": 2, "learningObjectiveId": "` + caseID1 + `"}]}],
			"incomplete": "true"}}`,
		want: store.Object{
			Vals: map[string]string{
				"sourcedId": "ar-1", "status": "active", "metadata": "",
				"assessmentLineItemSourcedId": "ali-1", "studentSourcedId": "u-1", "score": "0.1", "textScore": "",
				"scoreDate": "2024-09-20", "scoreScaleSourcedId": "ss-1", "scorePercentile": "87.25",
				"scoreStatus": "ext:late-penalty", "comment": "line 1\nline 2 é",
				"learningObjectiveSet": `[{"source":"case","learningObjectiveResults":[{"learningObjectiveId":"` + caseID1 + `","score":2,"textScore":"B"}]}]`,
				"inProgress":           "", "incomplete": "true", "late": "", "missing": "",
			},
			Refs: []store.Ref{
				{Path: "assessmentResult.assessmentLineItem", Entity: oneroster.AssessmentLineItem, ID: "ali-1"},
				{Path: "assessmentResult.student", Entity: oneroster.User, ID: "u-1"},
				{Path: "assessmentResult.scoreScale", Entity: oneroster.ScoreScale, ID: "ss-1"},
			},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeWrapper(tt.e, []byte(tt.body), false, tt.pathID)
			if err != nil {
				t.Fatalf("decodeWrapper: %v", err)
			}
			if len(got) != 1 {
				t.Fatalf("got %d objects, want 1", len(got))
			}
			want := tt.want
			if want.Links == nil {
				want.Links = map[string]string{}
			}
			if diff := cmp.Diff(want, got[0], writtenOpts); diff != "" {
				t.Errorf("decoded object (-want +got):\n%s", diff)
			}
		})
	}
}

// kv is one property of a test object; obj builds objects from them.
type kv struct{ k, v string }

// obj writes base as a JSON object, with edits applied: an edit replaces
// the property of the same key (and removes it when its value is ""), or
// is appended.
func obj(base []kv, edits ...kv) string {
	props := append([]kv(nil), base...)
	for _, e := range edits {
		found := false
		for i := range props {
			if props[i].k == e.k {
				props[i].v, found = e.v, true
			}
		}
		if !found {
			props = append(props, e)
		}
	}
	var parts []string
	for _, p := range props {
		if p.v != "" {
			parts = append(parts, fmt.Sprintf("%q: %s", p.k, p.v))
		}
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

var (
	resultBase = []kv{
		{"sourcedId", `"r-1"`}, {"lineItem", `{"sourcedId": "li-1", "type": "lineItem"}`},
		{"student", `{"sourcedId": "u-1", "type": "user"}`}, {"scoreStatus", `"fully graded"`}, {"scoreDate", `"2024-09-20"`},
	}
	lineItemBase = []kv{
		{"sourcedId", `"li-1"`}, {"title", `"Essay"`}, {"assignDate", `"2024-09-01T08:00:00.000Z"`}, {"dueDate", `"2024-09-15T23:59:00.000Z"`},
		{"class", `{"sourcedId": "c-1", "type": "class"}`}, {"school", `{"sourcedId": "s-1", "type": "org"}`},
		{"category", `{"sourcedId": "cat-1", "type": "category"}`},
	}
	scoreScaleBase = []kv{
		{"sourcedId", `"ss-1"`}, {"title", `"Letters"`}, {"type", `"letter"`}, {"class", `{"sourcedId": "c-1"}`},
		{"scoreScaleValue", `[{"itemValueLHS": "90", "itemValueRHS": "A"}]`},
	}
	assessmentResultBase = []kv{
		{"sourcedId", `"ar-1"`}, {"assessmentLineItem", `{"sourcedId": "ali-1"}`}, {"student", `{"sourcedId": "u-1"}`},
		{"scoreStatus", `"submitted"`}, {"scoreDate", `"2024-09-20"`},
	}
)

func wrap(key, v string) string { return `{"` + key + `": ` + v + `}` }

func result(edits ...kv) string     { return wrap("result", obj(resultBase, edits...)) }
func lineItem(edits ...kv) string   { return wrap("lineItem", obj(lineItemBase, edits...)) }
func scoreScale(edits ...kv) string { return wrap("scoreScale", obj(scoreScaleBase, edits...)) }

func TestDecodeBodyErrors(t *testing.T) {
	tests := []struct {
		name   string
		e      *oneroster.Entity
		plural bool
		pathID string
		body   string
		status int    // 0: accepted
		want   string // substring of the message
	}{
		// Syntax: 400.
		{name: "malformed JSON", e: oneroster.Result, pathID: "r-1", body: `{"result": {"sourcedId": }}`,
			status: 400, want: "malformed JSON at byte 26: invalid character '}' looking for beginning of value"},
		{name: "truncated", e: oneroster.Result, pathID: "r-1", body: `{"result": {"sourcedId": "r-1"`,
			status: 400, want: "malformed JSON at byte 30: unexpected end of JSON input"},
		{name: "trailing garbage", e: oneroster.Result, pathID: "r-1", body: result() + ` x`,
			status: 400, want: "invalid character 'x' after top-level value"},
		{name: "two values", e: oneroster.Result, pathID: "r-1", body: result() + result(),
			status: 400, want: "after top-level value"},
		{name: "empty body", e: oneroster.Result, pathID: "r-1", body: "",
			status: 400, want: `the request body is empty; expected {"result": {…}}`},
		{name: "blank body", e: oneroster.LineItem, plural: true, body: " \n",
			status: 400, want: `the request body is empty; expected {"lineItems": [{…}, …]}`},

		// The wrapper.
		{name: "body is an array", e: oneroster.Result, pathID: "r-1", body: `[` + result() + `]`,
			status: 422, want: `the request body must be a JSON object {"result": {…}}, got array`},
		{name: "wrong wrapper key", e: oneroster.Result, pathID: "r-1", body: wrap("results", obj(resultBase)),
			status: 422, want: `results: unknown property; the body must be {"result": {…}}`},
		{name: "PUT with the POST key", e: oneroster.LineItem, pathID: "li-1", body: wrap("lineItems", "["+obj(lineItemBase)+"]"),
			status: 422, want: `lineItems: unknown property; the body must be {"lineItem": {…}}`},
		{name: "no wrapper key", e: oneroster.Result, pathID: "r-1", body: `{}`,
			status: 422, want: `result: required; the body must be {"result": {…}}`},
		{name: "extra wrapper key", e: oneroster.Result, pathID: "r-1", body: `{"result": ` + obj(resultBase) + `, "extra": 1}`,
			status: 422, want: `extra: unknown property`},
		{name: "wrapped value not an object", e: oneroster.Result, pathID: "r-1", body: `{"result": []}`,
			status: 422, want: `result: must be an object, got array`},
		{name: "wrapped null", e: oneroster.Result, pathID: "r-1", body: `{"result": null}`,
			status: 422, want: `result: must be an object, got null`},

		// POST.
		{name: "POST empty array", e: oneroster.LineItem, plural: true, body: `{"lineItems": []}`,
			status: 422, want: `lineItems: must hold at least one lineItem`},
		{name: "POST object instead of array", e: oneroster.LineItem, plural: true, body: wrap("lineItems", obj(lineItemBase)),
			status: 422, want: `lineItems: must be an array of lineItem objects, got object`},
		{name: "POST item without sourcedId", e: oneroster.LineItem, plural: true,
			body:   wrap("lineItems", "["+obj(lineItemBase)+", "+obj(lineItemBase, kv{"sourcedId", ""})+"]"),
			status: 422, want: `lineItems[1].sourcedId: required`},
		{name: "POST duplicate sourcedIds", e: oneroster.LineItem, plural: true,
			body:   wrap("lineItems", "["+obj(lineItemBase)+", "+obj(lineItemBase)+"]"),
			status: 422, want: `lineItems[1].sourcedId: "li-1" is also the sourcedId of lineItems[0]`},
		{name: "POST too many items", e: oneroster.Result, plural: true,
			body:   wrap("results", "["+strings.Repeat(obj(resultBase)+",", 1000)+obj(resultBase)+"]"),
			status: 422, want: `results: holds 1001 items; at most 1000 are allowed in one request`},
		{name: "POST singular key", e: oneroster.Result, plural: true, body: result(),
			status: 422, want: `result: unknown property; the body must be {"results": [{…}, …]}`},

		// sourcedId.
		{name: "sourcedId differs from path", e: oneroster.Result, pathID: "r-2", body: result(),
			status: 422, want: `result.sourcedId: "r-1" does not match the sourcedId of the path ("r-2")`},
		{name: "sourcedId taken from path", e: oneroster.Result, pathID: "r-1", body: result(kv{"sourcedId", ""})},
		{name: "path sourcedId invalid", e: oneroster.Result, pathID: "r 1", body: result(kv{"sourcedId", ""}),
			status: 422, want: `result.sourcedId: the sourcedId of the path, "r 1", is not a valid sourcedId`},
		{name: "sourcedId bad characters", e: oneroster.Result, pathID: "", plural: true, body: wrap("results", "["+obj(resultBase, kv{"sourcedId", `"r#1"`})+"]"),
			status: 422, want: `results[0].sourcedId: "r#1" is not a valid sourcedId (1 to 255 characters from 0-9 A-Z a-z . - _ / @)`},
		{name: "sourcedId a number", e: oneroster.Result, pathID: "r-1", body: result(kv{"sourcedId", `1`}),
			status: 422, want: `result.sourcedId: must be a string, got number 1`},

		// Base fields.
		{name: "status inactive", e: oneroster.Result, pathID: "r-1", body: result(kv{"status", `"inactive"`}),
			status: 422, want: `result.status: "inactive" is not one of active or tobedeleted`},
		{name: "status tobedeleted", e: oneroster.Result, pathID: "r-1", body: result(kv{"status", `"tobedeleted"`})},
		{name: "dateLastModified ignored", e: oneroster.Result, pathID: "r-1", body: result(kv{"dateLastModified", `"1999-01-01T00:00:00Z"`})},
		{name: "dateLastModified a date", e: oneroster.Result, pathID: "r-1", body: result(kv{"dateLastModified", `"1999-01-01"`})},
		{name: "dateLastModified not a date-time", e: oneroster.Result, pathID: "r-1", body: result(kv{"dateLastModified", `"yesterday"`}),
			status: 422, want: `result.dateLastModified: "yesterday" is not a valid date-time: expected an RFC 3339 date-time`},
		{name: "dateLastModified bad date", e: oneroster.Category, pathID: "cat-1", body: `{"category": {"title": "t", "dateLastModified": "2024-02-30"}}`,
			status: 422, want: `category.dateLastModified: "2024-02-30" is not a valid date (YYYY-MM-DD): February 2024 has no day 30`},
		{name: "dateLastModified empty", e: oneroster.Result, pathID: "r-1", body: result(kv{"dateLastModified", `""`}),
			status: 422, want: `result.dateLastModified: must not be empty`},
		{name: "dateLastModified out of range in UTC", e: oneroster.Result, pathID: "r-1", body: result(kv{"dateLastModified", `"9999-12-31T23:00:00-05:00"`}),
			status: 422, want: `result.dateLastModified: "9999-12-31T23:00:00-05:00" is not a valid date-time: the year is out of range once converted to UTC`},
		{name: "dateLastModified not a string", e: oneroster.Result, pathID: "r-1", body: result(kv{"dateLastModified", `20240901`}),
			status: 422, want: `result.dateLastModified: must be a string, got number 20240901`},
		{name: "metadata not an object", e: oneroster.Result, pathID: "r-1", body: result(kv{"metadata", `"x"`}),
			status: 422, want: `result.metadata: must be an object, got string "x"`},

		// Required and unknown properties.
		{name: "missing required property", e: oneroster.Result, pathID: "r-1", body: result(kv{"scoreDate", ""}),
			status: 422, want: `result.scoreDate: required`},
		{name: "missing required GUIDRef", e: oneroster.LineItem, pathID: "li-1", body: lineItem(kv{"category", ""}),
			status: 422, want: `lineItem.category: required`},
		{name: "empty required string", e: oneroster.LineItem, pathID: "li-1", body: lineItem(kv{"title", `""`}),
			status: 422, want: `lineItem.title: must not be empty`},
		{name: "unknown property", e: oneroster.Result, pathID: "r-1", body: result(kv{"grade", `"A"`}),
			status: 422, want: `result.grade: unknown property (extensions belong in metadata)`},
		{name: "unknown property wrong case", e: oneroster.Result, pathID: "r-1", body: result(kv{"ScoreStatus", `"exempt"`}),
			status: 422, want: `result.ScoreStatus: unknown property; did you mean "scoreStatus"?`},
		{name: "unknown property odd name", e: oneroster.Result, pathID: "r-1", body: result(kv{"a b", `1`}),
			status: 422, want: `result["a b"]: unknown property`},
		{name: "duplicate property", e: oneroster.Result, pathID: "r-1", body: `{"result": {"sourcedId": "r-1", "score": 1, "score": 2}}`,
			status: 422, want: `result.score: duplicate property`},
		{name: "null optional", e: oneroster.Result, pathID: "r-1", body: result(kv{"comment", `null`}),
			status: 422, want: `result.comment: must be a string, got null`},
		{name: "NUL in a string", e: oneroster.Result, pathID: "r-1", body: result(kv{"comment", `"a\u0000b"`}),
			status: 422, want: `result.comment: must not contain the NUL character`},
		{name: "several problems", e: oneroster.Result, pathID: "r-1", body: result(kv{"score", `"90"`}, kv{"scoreDate", ""}),
			status: 422, want: `result.score: must be a number, got string "90"; result.scoreDate: required`},
		{name: "problems are capped", e: oneroster.Result, pathID: "r-1",
			body:   `{"result": {"a1":1,"a2":1,"a3":1,"a4":1,"a5":1,"a6":1,"a7":1,"a8":1,"a9":1,"a10":1,"a11":1,"a12":1}}`,
			status: 422, want: `result.a10: unknown property (extensions belong in metadata); and 6 more`},

		// Enum.
		{name: "wrong enum value", e: oneroster.Result, pathID: "r-1", body: result(kv{"scoreStatus", `"graded"`}),
			status: 422, want: `result.scoreStatus: "graded" is not one of exempt, fully graded, not submitted, partially graded, submitted or ext:<name>`},
		{name: "enum wrong case", e: oneroster.Result, pathID: "r-1", body: result(kv{"scoreStatus", `"Fully Graded"`}),
			status: 422, want: `result.scoreStatus: "Fully Graded" is not one of exempt, fully graded, not submitted, partially graded, submitted or ext:<name>; did you mean "fully graded"?`},
		{name: "enum bad ext", e: oneroster.Result, pathID: "r-1", body: result(kv{"scoreStatus", `"ext:late penalty"`}),
			status: 422, want: `"ext:late penalty" is not one of`},
		{name: "enum ext wrong case", e: oneroster.Result, pathID: "r-1", body: result(kv{"scoreStatus", `"EXT:late"`}),
			status: 422, want: `did you mean "ext:late"?`},
		{name: "enum exempt", e: oneroster.Result, pathID: "r-1", body: result(kv{"scoreStatus", `"exempt"`})},
		{name: "enum ext", e: oneroster.Result, pathID: "r-1", body: result(kv{"scoreStatus", `"ext:late-penalty"`})},
		{name: "enum not a string", e: oneroster.Result, pathID: "r-1", body: result(kv{"scoreStatus", `1`}),
			status: 422, want: `result.scoreStatus: must be a string, got number 1`},

		// Numbers.
		{name: "number as string", e: oneroster.Result, pathID: "r-1", body: result(kv{"score", `"90"`}),
			status: 422, want: `result.score: must be a number, got string "90"`},
		{name: "number overflow", e: oneroster.Result, pathID: "r-1", body: result(kv{"score", `1e400`}),
			status: 422, want: `result.score: 1e400 is out of range`},
		{name: "number as boolean", e: oneroster.Category, pathID: "cat-1", body: `{"category": {"title": "t", "weight": true}}`,
			status: 422, want: `category.weight: must be a number, got boolean true`},
		{name: "extra credit", e: oneroster.Result, pathID: "r-1", body: result(kv{"score", `105`})},
		{name: "max 100 on the line item", e: oneroster.LineItem, pathID: "li-1", body: lineItem(kv{"resultValueMin", `0`}, kv{"resultValueMax", `100`})},
		{name: "min greater than max", e: oneroster.LineItem, pathID: "li-1", body: lineItem(kv{"resultValueMin", `10`}, kv{"resultValueMax", `5`}),
			status: 422, want: `lineItem.resultValueMin: 10 is greater than resultValueMax (5)`},
		{name: "assessment min greater than max", e: oneroster.AssessmentLineItem, pathID: "ali-1",
			body:   `{"assessmentLineItem": {"title": "t", "resultValueMax": 1, "resultValueMin": 2}}`,
			status: 422, want: `assessmentLineItem.resultValueMin: 2 is greater than resultValueMax (1)`},
		{name: "scorePercentile as string", e: oneroster.AssessmentResult, pathID: "ar-1",
			body:   wrap("assessmentResult", obj(assessmentResultBase, kv{"scorePercentile", `"high"`})),
			status: 422, want: `assessmentResult.scorePercentile: must be a number, got string "high"`},

		// Booleans.
		{name: "JSON boolean", e: oneroster.Result, pathID: "r-1", body: result(kv{"late", `true`}),
			status: 422, want: `result.late: must be the string "true" or "false", got boolean true`},
		{name: "boolean word", e: oneroster.Result, pathID: "r-1", body: result(kv{"missing", `"yes"`}),
			status: 422, want: `result.missing: must be the string "true" or "false", got "yes"`},

		// Dates.
		{name: "bad date", e: oneroster.Result, pathID: "r-1", body: result(kv{"scoreDate", `"2024-02-30"`}),
			status: 422, want: `result.scoreDate: "2024-02-30" is not a valid date (YYYY-MM-DD): February 2024 has no day 30`},
		{name: "date-time for a date", e: oneroster.Result, pathID: "r-1", body: result(kv{"scoreDate", `"2026-12-02T13:41:05.474Z"`})},
		{name: "bad date-time for a date", e: oneroster.Result, pathID: "r-1", body: result(kv{"scoreDate", `"2024-09-20T24:00:00Z"`}),
			status: 422, want: `result.scoreDate: "2024-09-20T24:00:00Z" is not a valid date (YYYY-MM-DD) or date-time: time of day out of range`},
		{name: "date-time without zone for a date", e: oneroster.AssessmentResult, pathID: "ar-1",
			body:   wrap("assessmentResult", obj(assessmentResultBase, kv{"scoreDate", `"2024-09-20T10:00:00"`})),
			status: 422, want: `assessmentResult.scoreDate: "2024-09-20T10:00:00" is not a valid date (YYYY-MM-DD) or date-time: no time zone`},
		{name: "date-time with an impossible date for a date", e: oneroster.Result, pathID: "r-1", body: result(kv{"scoreDate", `"2023-02-29T10:00:00Z"`}),
			status: 422, want: `result.scoreDate: "2023-02-29T10:00:00Z" is not a valid date (YYYY-MM-DD) or date-time: February 2023 has no day 29`},
		{name: "date with a space before the time", e: oneroster.Result, pathID: "r-1", body: result(kv{"scoreDate", `"2024-09-20 10:00:00Z"`}),
			status: 422, want: `result.scoreDate: "2024-09-20 10:00:00Z" is not a valid date (YYYY-MM-DD): expected YYYY-MM-DD`},
		{name: "date-time with only a T", e: oneroster.Result, pathID: "r-1", body: result(kv{"scoreDate", `"2024-09-20T"`}),
			status: 422, want: `result.scoreDate: "2024-09-20T" is not a valid date (YYYY-MM-DD) or date-time: expected an RFC 3339 date-time`},
		{name: "empty date", e: oneroster.Result, pathID: "r-1", body: result(kv{"scoreDate", `""`}),
			status: 422, want: `result.scoreDate: must not be empty`},
		{name: "bad date-time", e: oneroster.LineItem, pathID: "li-1", body: lineItem(kv{"assignDate", `"2024-09-01 08:00"`}),
			status: 422, want: `lineItem.assignDate: "2024-09-01 08:00" is not a valid date-time: expected an RFC 3339 date-time`},
		{name: "date-time without zone", e: oneroster.LineItem, pathID: "li-1", body: lineItem(kv{"assignDate", `"2024-09-01T08:00:00"`}),
			status: 422, want: `lineItem.assignDate: "2024-09-01T08:00:00" is not a valid date-time: no time zone`},
		{name: "date-time out of range", e: oneroster.LineItem, pathID: "li-1", body: lineItem(kv{"dueDate", `"2024-09-01T25:00:00Z"`}),
			status: 422, want: `lineItem.dueDate: "2024-09-01T25:00:00Z" is not a valid date-time: time of day out of range`},
		{name: "date-time bad offset", e: oneroster.LineItem, pathID: "li-1", body: lineItem(kv{"dueDate", `"2024-09-01T20:00:00+24:00"`}),
			status: 422, want: `lineItem.dueDate: "2024-09-01T20:00:00+24:00" is not a valid date-time`},
		{name: "date-time long fraction", e: oneroster.LineItem, pathID: "li-1", body: lineItem(kv{"dueDate", `"2024-09-01T20:00:00.1234567890Z"`}),
			status: 422, want: `the fraction of a second must have 1 to 9 digits`},
		{name: "bad bare date for a date-time", e: oneroster.LineItem, pathID: "li-1", body: lineItem(kv{"dueDate", `"2024-13-01"`}),
			status: 422, want: `lineItem.dueDate: "2024-13-01" is not a valid date (YYYY-MM-DD): month out of range`},
		{name: "bare date for a lineItem date-time", e: oneroster.LineItem, pathID: "li-1", body: lineItem(kv{"dueDate", `"2024-09-15"`})},
		{name: "lower-case date-time", e: oneroster.LineItem, pathID: "li-1", body: lineItem(kv{"dueDate", `"2024-09-15t10:00:00z"`})},

		// GUIDRefs.
		{name: "GUIDRef without sourcedId", e: oneroster.LineItem, pathID: "li-1", body: lineItem(kv{"class", `{"type": "class"}`}),
			status: 422, want: `lineItem.class.sourcedId: required`},
		{name: "GUIDRef with wrong type", e: oneroster.Result, pathID: "r-1", body: result(kv{"lineItem", `{"sourcedId": "li-1", "type": "class"}`}),
			status: 422, want: `result.lineItem.type: must be "lineItem", got "class"`},
		{name: "GUIDRef school typed school", e: oneroster.LineItem, pathID: "li-1", body: lineItem(kv{"school", `{"sourcedId": "s-1", "type": "school"}`}),
			status: 422, want: `lineItem.school.type: must be "org", got "school"`},
		{name: "GUIDRef as a plain string", e: oneroster.Result, pathID: "r-1", body: result(kv{"student", `"u-1"`}),
			status: 422, want: `result.student: must be a GUIDRef object {"sourcedId": "…", "type": "user"}, got string "u-1"`},
		{name: "GUIDRef unknown key", e: oneroster.Result, pathID: "r-1", body: result(kv{"student", `{"sourcedId": "u-1", "id": "u-1"}`}),
			status: 422, want: `result.student.id: unknown property (a GUIDRef has href, sourcedId and type)`},
		{name: "GUIDRef bad sourcedId", e: oneroster.Result, pathID: "r-1", body: result(kv{"student", `{"sourcedId": "u 1"}`}),
			status: 422, want: `result.student.sourcedId: "u 1" is not a valid sourcedId`},
		{name: "GUIDRef href not a string", e: oneroster.Result, pathID: "r-1", body: result(kv{"student", `{"sourcedId": "u-1", "href": 5}`}),
			status: 422, want: `result.student.href: must be a string, got number 5`},
		{name: "LinkRef wrong type", e: oneroster.Result, pathID: "r-1", body: result(kv{"scoreScale", `{"sourcedId": "ss-1", "type": "scale"}`}),
			status: 422, want: `result.scoreScale.type: must be "scoreScale", got "scale"`},
		{name: "GUIDRef href not a URI", e: oneroster.Result, pathID: "r-1", body: result(kv{"student", `{"href": "not even a URL", "sourcedId": "u-1"}`}),
			status: 422, want: `result.student.href: "not even a URL" is not a URI: it contains a space or a control character, which must be percent-encoded`},
		{name: "GUIDRef href empty", e: oneroster.Result, pathID: "r-1", body: result(kv{"student", `{"href": "", "sourcedId": "u-1"}`}),
			status: 422, want: `result.student.href: must not be empty`},
		{name: "GUIDRef href null", e: oneroster.Result, pathID: "r-1", body: result(kv{"student", `{"href": null, "sourcedId": "u-1"}`}),
			status: 422, want: `result.student.href: must be a string, got null`},
		{name: "GUIDRef href bad percent", e: oneroster.Result, pathID: "r-1", body: result(kv{"student", `{"href": "https://h/users/100%", "sourcedId": "u-1"}`}),
			status: 422, want: `result.student.href: "https://h/users/100%" is not a URI: a % must start a percent-encoded byte`},
		{name: "GUIDRef href bad percent digits", e: oneroster.Result, pathID: "r-1", body: result(kv{"student", `{"href": "https://h/users/u%zz", "sourcedId": "u-1"}`}),
			status: 422, want: `a % must start a percent-encoded byte`},
		{name: "GUIDRef href non-ASCII", e: oneroster.Result, pathID: "r-1", body: result(kv{"student", `{"href": "https://h/users/é", "sourcedId": "u-1"}`}),
			status: 422, want: `is not a URI: it contains a character outside ASCII`},
		{name: "GUIDRef href template", e: oneroster.Result, pathID: "r-1", body: result(kv{"student", `{"href": "https://h/users/{sourcedId}", "sourcedId": "u-1"}`}),
			status: 422, want: `is not a URI: it contains '{', which must be percent-encoded`},
		{name: "GUIDRef href bad host", e: oneroster.Result, pathID: "r-1", body: result(kv{"student", `{"href": "http://[::1/users", "sourcedId": "u-1"}`}),
			status: 422, want: `result.student.href: "http://[::1/users" is not a URI: missing ']' in host`},
		{name: "GUIDRef href colon in first segment", e: oneroster.Result, pathID: "r-1", body: result(kv{"student", `{"href": "1http://h", "sourcedId": "u-1"}`}),
			status: 422, want: `is not a URI: first path segment in URL cannot contain colon`},
		{name: "GUIDRef absolute href", e: oneroster.Result, pathID: "r-1",
			body: result(kv{"student", `{"href": "https://sis.example.org/ims/oneroster/rostering/v1p2/users/u%2F1?x=1#y", "sourcedId": "u-1"}`})},
		{name: "GUIDRef placeholder href", e: oneroster.Result, pathID: "r-1", body: result(kv{"student", `{"href": "x", "sourcedId": "u-1"}`})},
		{name: "GUIDRef relative href", e: oneroster.Result, pathID: "r-1", body: result(kv{"student", `{"href": "/ims/oneroster/rostering/v1p2/users/u-1", "sourcedId": "u-1"}`})},
		{name: "GUIDRef URN href", e: oneroster.Result, pathID: "r-1", body: result(kv{"student", `{"href": "urn:uuid:` + caseID1 + `", "sourcedId": "u-1"}`})},
		{name: "GUIDRef type not a string", e: oneroster.Result, pathID: "r-1", body: result(kv{"student", `{"sourcedId": "u-1", "type": 1}`}),
			status: 422, want: `result.student.type: must be a string, got number 1`},
		{name: "GUIDRef type empty", e: oneroster.Result, pathID: "r-1", body: result(kv{"student", `{"sourcedId": "u-1", "type": ""}`}),
			status: 422, want: `result.student.type: must be "user", got ""`},
		{name: "GUIDRef type wrong case", e: oneroster.Result, pathID: "r-1", body: result(kv{"student", `{"sourcedId": "u-1", "type": "User"}`}),
			status: 422, want: `result.student.type: must be "user", got "User"`},
		{name: "GUIDRef sourcedId null", e: oneroster.Result, pathID: "r-1", body: result(kv{"student", `{"sourcedId": null}`}),
			status: 422, want: `result.student.sourcedId: must be a string, got null`},
		{name: "GUIDRef duplicate sourcedId", e: oneroster.Result, pathID: "r-1", body: result(kv{"student", `{"sourcedId": "u-1", "sourcedId": "u-2"}`}),
			status: 422, want: `result.student.sourcedId: duplicate property`},
		{name: "gradingPeriod of the wrong type", e: oneroster.LineItem, pathID: "li-1", body: lineItem(kv{"gradingPeriod", `{"sourcedId": "gp-1", "type": "term"}`}),
			status: 422, want: `lineItem.gradingPeriod.type: must be "academicSession", got "term"`},
		{name: "LinkRef href not a URI", e: oneroster.LineItem, pathID: "li-1", body: lineItem(kv{"scoreScale", `{"sourcedId": "ss-1", "href": "a b"}`}),
			status: 422, want: `lineItem.scoreScale.href: "a b" is not a URI`},
		{name: "gradingPeriod alone", e: oneroster.LineItem, pathID: "li-1", body: lineItem(kv{"gradingPeriod", `{"sourcedId": "gp-1", "type": "academicSession"}`})},
		{name: "gradingPeriod contradicts academicSession", e: oneroster.LineItem, pathID: "li-1",
			body:   lineItem(kv{"gradingPeriod", `{"sourcedId": "gp-1"}`}, kv{"academicSession", `{"sourcedId": "t-1"}`}),
			status: 422, want: `lineItem.gradingPeriod: "gp-1" differs from lineItem.academicSession.sourcedId "t-1"`},

		// scoreScaleValue.
		{name: "scoreScaleValue with a comma", e: oneroster.ScoreScale, pathID: "ss-1",
			body:   scoreScale(kv{"scoreScaleValue", `[{"itemValueLHS": "90,100", "itemValueRHS": "A"}]`}),
			status: 422, want: `scoreScale.scoreScaleValue[0].itemValueLHS: "90,100" contains a comma, which the CSV form {LHS:RHS},… cannot carry`},
		{name: "scoreScaleValue RHS with a comma", e: oneroster.ScoreScale, pathID: "ss-1",
			body:   scoreScale(kv{"scoreScaleValue", `[{"itemValueLHS": "90", "itemValueRHS": "A},{B"}]`}),
			status: 422, want: `scoreScale.scoreScaleValue[0].itemValueRHS: "A},{B" contains a comma`},
		{name: "scoreScaleValue colon in LHS", e: oneroster.ScoreScale, pathID: "ss-1",
			body:   scoreScale(kv{"scoreScaleValue", `[{"itemValueLHS": "a:b", "itemValueRHS": "A"}]`}),
			status: 422, want: `scoreScale.scoreScaleValue[0].itemValueLHS: "a:b" contains a colon`},
		{name: "scoreScaleValue brace", e: oneroster.ScoreScale, pathID: "ss-1",
			body:   scoreScale(kv{"scoreScaleValue", `[{"itemValueLHS": "9}", "itemValueRHS": "A"}]`}),
			status: 422, want: `contains a brace`},
		{name: "scoreScaleValue empty array", e: oneroster.ScoreScale, pathID: "ss-1", body: scoreScale(kv{"scoreScaleValue", `[]`}),
			status: 422, want: `scoreScale.scoreScaleValue: must hold at least one item`},
		{name: "scoreScaleValue missing RHS", e: oneroster.ScoreScale, pathID: "ss-1",
			body:   scoreScale(kv{"scoreScaleValue", `[{"itemValueLHS": "90"}]`}),
			status: 422, want: `scoreScale.scoreScaleValue[0].itemValueRHS: required`},
		{name: "scoreScaleValue empty LHS", e: oneroster.ScoreScale, pathID: "ss-1",
			body:   scoreScale(kv{"scoreScaleValue", `[{"itemValueLHS": "", "itemValueRHS": "A"}]`}),
			status: 422, want: `scoreScale.scoreScaleValue[0].itemValueLHS: must not be empty`},
		{name: "scoreScaleValue unknown key", e: oneroster.ScoreScale, pathID: "ss-1",
			body:   scoreScale(kv{"scoreScaleValue", `[{"itemValueLHS": "9", "itemValueRHS": "A", "x": 1}]`}),
			status: 422, want: `scoreScale.scoreScaleValue[0].x: unknown property`},
		{name: "scoreScaleValue object", e: oneroster.ScoreScale, pathID: "ss-1",
			body:   scoreScale(kv{"scoreScaleValue", `{"itemValueLHS": "9", "itemValueRHS": "A"}`}),
			status: 422, want: `scoreScale.scoreScaleValue: must be an array of {itemValueLHS, itemValueRHS} objects, got object`},

		// learningObjectiveSet.
		{name: "objective source wrong case", e: oneroster.LineItem, pathID: "li-1",
			body:   lineItem(kv{"learningObjectiveSet", `[{"source": "CASE", "learningObjectiveIds": ["` + caseID1 + `"]}]`}),
			status: 422, want: `lineItem.learningObjectiveSet[0].source: "CASE" is not one of case, unknown, ext:<name> or /<name> (lower-case letters and digits); did you mean "case"?`},
		{name: "objective source /case", e: oneroster.LineItem, pathID: "li-1",
			body:   lineItem(kv{"learningObjectiveSet", `[{"source": "/case", "learningObjectiveIds": ["x"]}]`}),
			status: 422, want: `did you mean "case"?`},
		{name: "objective source /name with capitals", e: oneroster.LineItem, pathID: "li-1",
			body:   lineItem(kv{"learningObjectiveSet", `[{"source": "/Foo.Bar", "learningObjectiveIds": ["x"]}]`}),
			status: 422, want: `lineItem.learningObjectiveSet[0].source: "/Foo.Bar" is not one of case, unknown, ext:<name> or /<name> (lower-case letters and digits); send "ext:Foo.Bar" for a name with other characters`},
		{name: "objective source ext: alone", e: oneroster.LineItem, pathID: "li-1",
			body:   lineItem(kv{"learningObjectiveSet", `[{"source": "ext:", "learningObjectiveIds": ["x"]}]`}),
			status: 422, want: `lineItem.learningObjectiveSet[0].source: "ext:" is not one of`},
		{name: "objective source bare slash", e: oneroster.Result, pathID: "r-1",
			body:   result(kv{"learningObjectiveSet", `[{"source": "/", "learningObjectiveResults": [{"learningObjectiveId": "x"}]}]`}),
			status: 422, want: `result.learningObjectiveSet[0].source: "/" is not one of`},
		{name: "objective source as ext and /name twice", e: oneroster.LineItem, pathID: "li-1",
			body:   lineItem(kv{"learningObjectiveSet", `[{"source": "ext:abc", "learningObjectiveIds": ["x"]}, {"source": "/abc", "learningObjectiveIds": ["x"]}]`}),
			status: 422, want: `lineItem.learningObjectiveSet[1].learningObjectiveIds[0]: "x" is already listed at lineItem.learningObjectiveSet[0].learningObjectiveIds[0]`},
		{name: "objective source encoded twice", e: oneroster.LineItem, pathID: "li-1",
			body:   lineItem(kv{"learningObjectiveSet", `[{"source": "ext:Foo.Bar_1", "learningObjectiveIds": ["x"]}, {"source": "/xxizxw6lscmfzf6mi", "learningObjectiveIds": ["x"]}]`}),
			status: 422, want: `"x" is already listed at lineItem.learningObjectiveSet[0]`},
		{name: "objective source encoded", e: oneroster.LineItem, pathID: "li-1",
			body: lineItem(kv{"learningObjectiveSet", `[{"source": "/xxizxw6lscmfzf6mi", "learningObjectiveIds": ["x"]}]`})},
		{name: "objective source ext with capitals", e: oneroster.LineItem, pathID: "li-1",
			body: lineItem(kv{"learningObjectiveSet", `[{"source": "ext:Foo.Bar_1", "learningObjectiveIds": ["x"]}]`})},
		{name: "objective source marked but plain", e: oneroster.LineItem, pathID: "li-1",
			body: lineItem(kv{"learningObjectiveSet", `[{"source": "/xxabc", "learningObjectiveIds": ["x"]}]`})},
		{name: "objective case id not a UUID", e: oneroster.LineItem, pathID: "li-1",
			body:   lineItem(kv{"learningObjectiveSet", `[{"source": "case", "learningObjectiveIds": ["MATH.1"]}]`}),
			status: 422, want: `lineItem.learningObjectiveSet[0].learningObjectiveIds[0]: "MATH.1" is not a CASE identifier`},
		{name: "objective ids empty", e: oneroster.LineItem, pathID: "li-1",
			body:   lineItem(kv{"learningObjectiveSet", `[{"source": "unknown", "learningObjectiveIds": []}]`}),
			status: 422, want: `lineItem.learningObjectiveSet[0].learningObjectiveIds: must hold at least one item`},
		{name: "objective without source", e: oneroster.LineItem, pathID: "li-1",
			body:   lineItem(kv{"learningObjectiveSet", `[{"learningObjectiveIds": ["x"]}]`}),
			status: 422, want: `lineItem.learningObjectiveSet[0].source: required`},
		{name: "objective id not a string", e: oneroster.LineItem, pathID: "li-1",
			body:   lineItem(kv{"learningObjectiveSet", `[{"source": "unknown", "learningObjectiveIds": [7]}]`}),
			status: 422, want: `lineItem.learningObjectiveSet[0].learningObjectiveIds[0]: must be a string, got number 7`},
		{name: "objective duplicate id", e: oneroster.LineItem, pathID: "li-1",
			body:   lineItem(kv{"learningObjectiveSet", `[{"source": "unknown", "learningObjectiveIds": ["x"]}, {"source": "unknown", "learningObjectiveIds": ["x"]}]`}),
			status: 422, want: `lineItem.learningObjectiveSet[1].learningObjectiveIds[0]: "x" is already listed at lineItem.learningObjectiveSet[0].learningObjectiveIds[0]`},
		{name: "objective results on a line item", e: oneroster.LineItem, pathID: "li-1",
			body:   lineItem(kv{"learningObjectiveSet", `[{"source": "unknown", "learningObjectiveResults": [{"learningObjectiveId": "x"}]}]`}),
			status: 422, want: `lineItem.learningObjectiveSet[0].learningObjectiveResults: unknown property (expected {source, learningObjectiveIds}); this object takes learningObjectiveIds`},
		{name: "objective set not an array", e: oneroster.LineItem, pathID: "li-1",
			body:   lineItem(kv{"learningObjectiveSet", `{"source": "unknown"}`}),
			status: 422, want: `lineItem.learningObjectiveSet: must be an array of {source, learningObjectiveIds} objects, got object`},
		{name: "empty objective set", e: oneroster.LineItem, pathID: "li-1", body: lineItem(kv{"learningObjectiveSet", `[]`})},
		{name: "objective result without id", e: oneroster.Result, pathID: "r-1",
			body:   result(kv{"learningObjectiveSet", `[{"source": "unknown", "learningObjectiveResults": [{"score": 1}]}]`}),
			status: 422, want: `result.learningObjectiveSet[0].learningObjectiveResults[0].learningObjectiveId: required`},
		{name: "objective result score as string", e: oneroster.Result, pathID: "r-1",
			body:   result(kv{"learningObjectiveSet", `[{"source": "unknown", "learningObjectiveResults": [{"learningObjectiveId": "x", "score": "1"}]}]`}),
			status: 422, want: `result.learningObjectiveSet[0].learningObjectiveResults[0].score: must be a number, got string "1"`},
		{name: "objective result case id", e: oneroster.Result, pathID: "r-1",
			body:   result(kv{"learningObjectiveSet", `[{"source": "case", "learningObjectiveResults": [{"learningObjectiveId": "x"}]}]`}),
			status: 422, want: `result.learningObjectiveSet[0].learningObjectiveResults[0].learningObjectiveId: "x" is not a CASE identifier`},
		{name: "objective ids on a result", e: oneroster.Result, pathID: "r-1",
			body:   result(kv{"learningObjectiveSet", `[{"source": "unknown", "learningObjectiveIds": ["x"]}]`}),
			status: 422, want: `this object takes learningObjectiveResults`},
		{name: "assessment objectives with results", e: oneroster.AssessmentLineItem, pathID: "ali-1",
			body:   `{"assessmentLineItem": {"title": "t", "learningObjectiveSet": [{"source": "unknown", "learningObjectiveResults": []}]}}`,
			status: 422, want: `assessmentLineItem.learningObjectiveSet[0].learningObjectiveResults: unknown property`},
		{name: "assessment result objective bad score", e: oneroster.AssessmentResult, pathID: "ar-1",
			body:   wrap("assessmentResult", obj(assessmentResultBase, kv{"learningObjectiveSet", `[{"source": "unknown", "learningObjectiveResults": [{"learningObjectiveId": "x", "score": 1e999}]}]`})),
			status: 422, want: `assessmentResult.learningObjectiveSet[0].learningObjectiveResults[0].score: 1e999 is out of range`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeWrapper(tt.e, []byte(tt.body), tt.plural, tt.pathID)
			if tt.status == 0 {
				if err != nil {
					t.Fatalf("decodeWrapper: %v", err)
				}
				if len(got) == 0 {
					t.Fatal("no objects")
				}
				return
			}
			var oe *oneroster.Error
			if !errors.As(err, &oe) {
				t.Fatalf("err = %v, want a *oneroster.Error", err)
			}
			if oe.Code != oneroster.CodeInvalidData || oe.Status != tt.status {
				t.Errorf("code %s status %d, want invaliddata %d", oe.Code, oe.Status, tt.status)
			}
			if !strings.Contains(oe.Message, tt.want) {
				t.Errorf("message %q\ndoes not contain %q", oe.Message, tt.want)
			}
			if got != nil {
				t.Errorf("objects returned with an error: %v", got)
			}
		})
	}
}

func TestDecodeBodyAcceptedValues(t *testing.T) {
	one := func(t *testing.T, e *oneroster.Entity, body, pathID string) store.Object {
		t.Helper()
		ws, err := decodeWrapper(e, []byte(body), false, pathID)
		if err != nil {
			t.Fatal(err)
		}
		return ws[0]
	}
	t.Run("sourcedId from the path", func(t *testing.T) {
		if got := one(t, oneroster.Result, result(kv{"sourcedId", ""}), "r-9").Vals["sourcedId"]; got != "r-9" {
			t.Errorf("sourcedId = %q, want r-9", got)
		}
	})
	t.Run("extra credit and ext status", func(t *testing.T) {
		w := one(t, oneroster.Result, result(kv{"score", `105`}, kv{"scoreStatus", `"ext:late-penalty"`}), "r-1")
		if w.Vals["score"] != "105" || w.Vals["scoreStatus"] != "ext:late-penalty" {
			t.Errorf("score %q scoreStatus %q", w.Vals["score"], w.Vals["scoreStatus"])
		}
	})
	t.Run("number forms", func(t *testing.T) {
		for in, want := range map[string]string{`-0`: "0", `1E2`: "100", `0.1`: "0.1", `1e-400`: "0", `12345678901234567890`: "1.2345678901234567e+19"} {
			if got := one(t, oneroster.Result, result(kv{"score", in}), "r-1").Vals["score"]; got != want {
				t.Errorf("score %s stored as %q, want %q", in, got, want)
			}
		}
	})
	// lineItem's assignDate and dueDate are date-times in JSON but Dates in
	// the CSV binding and our table: the date written in the value is kept.
	t.Run("lineItem date-times keep their date", func(t *testing.T) {
		for in, want := range map[string]string{
			`"2024-09-01T08:00:00Z"`:           "2024-09-01",
			`"2024-09-01T08:00:00.123456Z"`:    "2024-09-01",
			`"2024-09-01T23:30:00-05:00"`:      "2024-09-01", // 2 September in UTC
			`"2024-09-01T00:30:00+02:00"`:      "2024-09-01", // 31 August in UTC
			`"2024-09-01t08:00:00z"`:           "2024-09-01",
			`"2024-09-01"`:                     "2024-09-01",
			`"2024-12-31T23:30:00.5-01:00"`:    "2024-12-31",
			`"2024-02-29T00:00:00.000000000Z"`: "2024-02-29",
			`"0001-01-01T00:30:00+01:00"`:      "0001-01-01", // year 0 in UTC
		} {
			w := one(t, oneroster.LineItem, lineItem(kv{"assignDate", in}, kv{"dueDate", in}), "li-1")
			if w.Vals["assignDate"] != want || w.Vals["dueDate"] != want {
				t.Errorf("assignDate and dueDate %s stored as %q and %q, want %q", in, w.Vals["assignDate"], w.Vals["dueDate"], want)
			}
		}
	})
	t.Run("dates keep the date written in a date-time", func(t *testing.T) {
		for in, want := range map[string]string{
			`"2026-12-02T13:41:05.474Z"`:  "2026-12-02",
			`"2026-12-02T20:00:00-05:00"`: "2026-12-02", // 3 December in UTC
			`"2026-12-02T01:00:00+09:00"`: "2026-12-02", // 1 December in UTC
			`"2026-12-02t13:41:05z"`:      "2026-12-02",
			`"2026-12-02"`:                "2026-12-02",
		} {
			if got := one(t, oneroster.Result, result(kv{"scoreDate", in}), "r-1").Vals["scoreDate"]; got != want {
				t.Errorf("result scoreDate %s stored as %q, want %q", in, got, want)
			}
			ar := wrap("assessmentResult", obj(assessmentResultBase, kv{"scoreDate", in}))
			if got := one(t, oneroster.AssessmentResult, ar, "ar-1").Vals["scoreDate"]; got != want {
				t.Errorf("assessmentResult scoreDate %s stored as %q, want %q", in, got, want)
			}
		}
	})
	t.Run("gradingPeriod stands for academicSession", func(t *testing.T) {
		w := one(t, oneroster.LineItem, lineItem(kv{"gradingPeriod", `{"sourcedId": "gp-1", "type": "academicSession"}`}), "li-1")
		if w.Vals["academicSessionSourcedId"] != "gp-1" {
			t.Errorf("academicSessionSourcedId = %q", w.Vals["academicSessionSourcedId"])
		}
		want := store.Ref{Path: "lineItem.gradingPeriod", Entity: oneroster.AcademicSession, ID: "gp-1"}
		if diff := cmp.Diff(want, w.Refs[len(w.Refs)-1], writtenOpts); diff != "" {
			t.Errorf("last ref (-want +got):\n%s", diff)
		}
		w = one(t, oneroster.LineItem, lineItem(kv{"gradingPeriod", `{"sourcedId": "t-1"}`}, kv{"academicSession", `{"sourcedId": "t-1"}`}), "li-1")
		if w.Vals["academicSessionSourcedId"] != "t-1" || len(w.Refs) != 4 {
			t.Errorf("same session twice: %q, %d refs", w.Vals["academicSessionSourcedId"], len(w.Refs))
		}
	})
	t.Run("metadata keeps numbers and escapes", func(t *testing.T) {
		w := one(t, oneroster.Result, result(kv{"metadata", `{"b": [1, 2.50, {"d": null, "c": "x\"y"}], "a": 12345678901234567890}`}), "r-1")
		if want := `{"a":12345678901234567890,"b":[1,2.50,{"c":"x\"y","d":null}]}`; w.Vals["metadata"] != want {
			t.Errorf("metadata = %s, want %s", w.Vals["metadata"], want)
		}
	})
}

// TestDecodeBodyEveryProperty sends, for every property of every writable
// entity, null and values of its kind that do not parse: each is a 422
// naming the property, so no value is silently dropped or replaced. It
// reads the catalogue, so a property added later is covered too.
func TestDecodeBodyEveryProperty(t *testing.T) {
	bases := []struct {
		e    *oneroster.Entity
		base []kv
	}{
		{oneroster.Category, []kv{{"sourcedId", `"cat-1"`}, {"title", `"Homework"`}}},
		{oneroster.LineItem, lineItemBase},
		{oneroster.Result, resultBase},
		{oneroster.ScoreScale, scoreScaleBase},
		{oneroster.AssessmentLineItem, []kv{{"sourcedId", `"ali-1"`}, {"title", `"Unit 1"`}}},
		{oneroster.AssessmentResult, assessmentResultBase},
	}
	bad := func(e *oneroster.Entity, f *oneroster.Field) []string {
		switch f.Kind {
		case oneroster.String:
			return []string{`5`, `true`, `["x"]`, `{"x": "y"}`, `"a\u0000b"`}
		case oneroster.Enum:
			return []string{`"nope"`, `""`, `1`}
		case oneroster.Date:
			return []string{`"2024-02-30"`, `"yesterday"`, `"2024-09-20T10:00"`, `""`, `20240920`}
		case oneroster.DateTime, oneroster.DateAsTime:
			return []string{`"yesterday"`, `"2024-09-01T25:00:00Z"`, `"2024-09-01T08:00:00"`, `"2024-02-30"`, `""`, `1725177600`}
		case oneroster.Number:
			return []string{`"1"`, `1e400`, `true`}
		case oneroster.Bool:
			return []string{`true`, `"yes"`, `""`}
		case oneroster.Metadata:
			return []string{`[]`, `"x"`}
		case oneroster.Ref, oneroster.LinkRef:
			return []string{`"x"`, `{}`, `{"sourcedId": "x", "type": "nope"}`, `{"sourcedId": "x", "href": "a b"}`, `{"sourcedId": "x y"}`, `{"sourcedId": "x", "extra": 1}`}
		case oneroster.Objectives, oneroster.ObjectivesJSON:
			list := "learningObjectiveIds"
			if f.Scores {
				list = "learningObjectiveResults"
			}
			return []string{`{}`, `[{"source": "nope", "` + list + `": ["x"]}]`, `[{"source": "unknown", "` + list + `": []}]`, `[{"source": "/Abc", "` + list + `": ["x"]}]`}
		case oneroster.ScoreScaleValues:
			return []string{`{}`, `[{"itemValueLHS": 1, "itemValueRHS": "A"}]`, `[{"itemValueLHS": "9"}]`}
		}
		t.Fatalf("%s.%s: no bad values for kind %d", e.Name, f.Name, f.Kind)
		return nil
	}
	for _, b := range bases {
		pathID := strings.Trim(b.base[0].v, `"`)
		for i := range b.e.Fields {
			f := &b.e.Fields[i]
			for _, v := range append([]string{`null`}, bad(b.e, f)...) {
				body := wrap(b.e.Name, obj(b.base, kv{f.Name, v}))
				_, err := decodeWrapper(b.e, []byte(body), false, pathID)
				var oe *oneroster.Error
				if !errors.As(err, &oe) || oe.Status != 422 {
					t.Errorf("%s.%s = %s: err %v, want a 422", b.e.Name, f.Name, v, err)
					continue
				}
				if want := b.e.Name + "." + f.Name; !strings.HasPrefix(oe.Message, want) {
					t.Errorf("%s.%s = %s: %q does not start with %s", b.e.Name, f.Name, v, oe.Message, want)
				}
			}
		}
	}
}

// TestDecodeBodyEncoding: a body is UTF-8 and its escapes are characters;
// what encoding/json would quietly turn into U+FFFD is a 400 naming the
// byte (counted from 1, as for syntax errors).
func TestDecodeBodyEncoding(t *testing.T) {
	const pre = `{"result": {"comment": "` // the comment's first byte is byte 25
	for _, tt := range []struct {
		name, body, want string
	}{
		{"invalid byte in a string", pre + "a\xffb\"}}", `malformed JSON at byte 26: invalid UTF-8 (byte 0xff); the body must be UTF-8`},
		{"invalid byte in a key", "{\"result\": {\"comm\xe9nt\": \"x\"}}", `malformed JSON at byte 18: invalid UTF-8 (byte 0xe9)`},
		{"invalid byte outside strings", "{\"result\": \x80}", `malformed JSON at byte 12: invalid UTF-8 (byte 0x80)`},
		{"syntax error first", "{\"result\": {\"score\": 1,, \"comment\": \"\xff\"}}", `malformed JSON at byte 24: invalid character ','`},
		{"invalid byte first", "{\"result\": {\"comment\": \"\xff\", \"score\": 1,,}}", `malformed JSON at byte 25: invalid UTF-8 (byte 0xff)`},
		{"truncated sequence", pre + "\xe2\x82\"}}", `malformed JSON at byte 25: invalid UTF-8 (byte 0xe2)`},
		{"overlong encoding", pre + "\xc0\xaf\"}}", `malformed JSON at byte 25: invalid UTF-8 (byte 0xc0)`},
		{"encoded surrogate", pre + "\xed\xa0\x80\"}}", `malformed JSON at byte 25: invalid UTF-8 (byte 0xed)`},
		{"lone high surrogate", pre + `\ud800"}}`, `malformed JSON at byte 25: \ud800 is half of a UTF-16 surrogate pair without its other half`},
		{"lone low surrogate", pre + `ab\udc00"}}`, `malformed JSON at byte 27: \udc00 is half`},
		{"upper-case hex", pre + `\uDBFF"}}`, `malformed JSON at byte 25: \uDBFF is half`},
		{"high then a letter", pre + `\ud800x"}}`, `at byte 25: \ud800 is half`},
		{"high then another escape", pre + `\ud800\u0041"}}`, `at byte 25: \ud800 is half`},
		{"high then high", pre + `\ud800\ud800\udc00"}}`, `at byte 25: \ud800 is half`},
		{"low then high", pre + `\udc00\ud800"}}`, `at byte 25: \udc00 is half`},
		{"high then an escaped backslash", pre + `\ud800\\udc00"}}`, `at byte 25: \ud800 is half`},
		{"after an escaped backslash", pre + `\\\ud800"}}`, `at byte 27: \ud800 is half`},
		{"after a valid pair", pre + `\ud83d\ude00\udfff"}}`, `at byte 37: \udfff is half`},
		{"in a key", `{"result": {"\udc00": 1}}`, `malformed JSON at byte 14: \udc00 is half`},
		{"in metadata", `{"result": {"metadata": {"a": ["\ud800"]}}}`, `malformed JSON at byte 33: \ud800 is half`},
		{"in the wrapper key", `{"\ud800": {}}`, `malformed JSON at byte 3: \ud800 is half`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeWrapper(oneroster.Result, []byte(tt.body), false, "r-1")
			var oe *oneroster.Error
			if !errors.As(err, &oe) || oe.Status != 400 || oe.Code != oneroster.CodeInvalidData {
				t.Fatalf("err = %v, want 400 invaliddata", err)
			}
			if !strings.Contains(oe.Message, tt.want) {
				t.Errorf("message %q\ndoes not contain %q", oe.Message, tt.want)
			}
		})
	}
	for in, want := range map[string]string{
		`\ud83d\ude00`:  "😀",
		`\uD83D\uDE00!`: "😀!",
		`\\ud800`:       `\ud800`, // an escaped backslash, then text
		`\\\\ud800`:     `\\ud800`,
		`\u00e9\uffff`:  "é\uffff",
		`\uE000\ud7ff`:  "\ue000\ud7ff",
		"\xef\xbf\xbd":  "\ufffd", // a U+FFFD the client did send
	} {
		ws, err := decodeWrapper(oneroster.Result, []byte(result(kv{"comment", `"` + in + `"`})), false, "r-1")
		if err != nil {
			t.Errorf("comment %s: %v", in, err)
			continue
		}
		if got := ws[0].Vals["comment"]; got != want {
			t.Errorf("comment %s stored as %q, want %q", in, got, want)
		}
	}
}

// FuzzLoneSurrogate: on well-formed UTF-8 JSON without U+FFFD of its own,
// loneSurrogate finds something exactly when encoding/json would put a
// U+FFFD in a decoded string or key.
func FuzzLoneSurrogate(f *testing.F) {
	for _, s := range []string{`"\ud800"`, `{"\udc00":1}`, `["\ud83d\ude00", "\\ud800"]`, `"\ud800\u0041"`, `"x"`, `{"a":["\\\ud800"]}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		data := []byte(s)
		if !json.Valid(data) || !utf8.Valid(data) || strings.Contains(s, "\ufffd") || strings.Contains(strings.ToLower(s), `\ufffd`) {
			return
		}
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatalf("valid JSON %q does not decode: %v", s, err)
		}
		replaced := false
		var walk func(any)
		walk = func(v any) {
			switch v := v.(type) {
			case string:
				replaced = replaced || strings.ContainsRune(v, utf8.RuneError)
			case []any:
				for _, x := range v {
					walk(x)
				}
			case map[string]any:
				for k, x := range v {
					walk(k)
					walk(x)
				}
			}
		}
		walk(v)
		if i := loneSurrogate(data); (i >= 0) != replaced {
			t.Fatalf("loneSurrogate(%q) = %d, but encoding/json replaced a character: %v", s, i, replaced)
		} else if i >= 0 && !(data[i] == '\\' && data[i+1] == 'u') {
			t.Fatalf("loneSurrogate(%q) = %d, which is not a \\u escape", s, i)
		}
	})
}

// TestDecodeDateTime pins the stored form of date-time properties. The
// only one a gradebook body holds is dateLastModified, whose value the
// server replaces, so the decoder is called directly.
func TestDecodeDateTime(t *testing.T) {
	for in, want := range map[string]string{
		`"2024-09-01T08:00:00Z"`:           "2024-09-01T08:00:00.000Z",
		`"2024-09-01T08:00:00.123456Z"`:    "2024-09-01T08:00:00.123Z",
		`"2024-09-01T01:30:00-05:00"`:      "2024-09-01T06:30:00.000Z",
		`"2024-09-01t08:00:00z"`:           "2024-09-01T08:00:00.000Z",
		`"2024-12-31T23:30:00.5-01:00"`:    "2025-01-01T00:30:00.500Z",
		`"2024-09-01T08:00:00.000+00:00"`:  "2024-09-01T08:00:00.000Z",
		`"2024-02-29T00:00:00.000000000Z"`: "2024-02-29T00:00:00.000Z",
		`"2024-09-01"`:                     "2024-09-01T00:00:00.000Z", // midnight UTC
	} {
		var p problems
		got, ok := (&bodyDecoder{p: &p}).dateTime(json.RawMessage(in), "x", false)
		if !ok || got != want || p.err() != nil {
			t.Errorf("dateTime(%s) = %q, %v (%v), want %q", in, got, ok, p.err(), want)
		}
	}
	for in, want := range map[string]string{
		`"2024-09-01T08:00"`:          `x: "2024-09-01T08:00" is not a valid date-time: expected an RFC 3339 date-time`,
		`"2024-09-31"`:                `x: "2024-09-31" is not a valid date (YYYY-MM-DD): September 2024 has no day 31`,
		`"0001-01-01T00:00:00+00:01"`: `x: "0001-01-01T00:00:00+00:01" is not a valid date-time: the year is out of range once converted to UTC`,
		`"20240901"`:                  `x: "20240901" is not a valid date-time`,
		`1725177600`:                  `x: must be a string, got number 1725177600`,
	} {
		var p problems
		if got, ok := (&bodyDecoder{p: &p}).dateTime(json.RawMessage(in), "x", false); ok {
			t.Errorf("dateTime(%s) = %q, want refused", in, got)
		} else if msg := oneroster.MessageOf(p.err()); !strings.HasPrefix(msg, want) {
			t.Errorf("dateTime(%s): %q, want %q", in, msg, want)
		}
	}
}

func TestDecodeObject(t *testing.T) {
	w, err := decodeObject(oneroster.Category, []byte(`{"sourcedId": "cat-1", "title": "Quizzes"}`), "")
	if err != nil {
		t.Fatal(err)
	}
	want := store.Object{Vals: map[string]string{"sourcedId": "cat-1", "status": "active", "metadata": "", "title": "Quizzes", "weight": ""}, Links: map[string]string{}}
	if diff := cmp.Diff(want, w, writtenOpts); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for body, wantMsg := range map[string]string{
		`{"title": "Quizzes"}`:                        "category.sourcedId: required",
		`{"sourcedId": "cat-1", "title": "Quizzes",}`: "malformed JSON at byte 43",
		``: "the request body is empty",
		`{"sourcedId": "cat-1", "title": ["Quizzes"]}`: `category.title: must be a string, got array`,
	} {
		_, err := decodeObject(oneroster.Category, []byte(body), "")
		if err == nil || !strings.Contains(oneroster.MessageOf(err), wantMsg) {
			t.Errorf("decodeObject(%s) = %v, want %q", body, err, wantMsg)
		}
	}
}

func TestDecodeBodyPOST(t *testing.T) {
	body := wrap("results", "["+obj(resultBase)+", "+obj(resultBase, kv{"sourcedId", `"tmp-2"`}, kv{"student", `{"sourcedId": "u-2"}`})+"]")
	ws, err := decodeWrapper(oneroster.Result, []byte(body), true, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 2 || ws[0].Vals["sourcedId"] != "r-1" || ws[1].Vals["sourcedId"] != "tmp-2" {
		t.Fatalf("got %+v", ws)
	}
	want := []store.Ref{{Path: "results[1].lineItem", Entity: oneroster.LineItem, ID: "li-1"}, {Path: "results[1].student", Entity: oneroster.User, ID: "u-2"}}
	if diff := cmp.Diff(want, ws[1].Refs, writtenOpts); diff != "" {
		t.Errorf("refs of the second item (-want +got):\n%s", diff)
	}
}

// TestDecodeBodyKinds makes sure every property of every gradebook entity
// has a kind the decoder handles, so no PUT meets an internal error.
func TestDecodeBodyKinds(t *testing.T) {
	for _, e := range []*oneroster.Entity{oneroster.Category, oneroster.LineItem, oneroster.Result,
		oneroster.ScoreScale, oneroster.AssessmentLineItem, oneroster.AssessmentResult} {
		for _, f := range e.Fields {
			switch f.Kind {
			case oneroster.Embedded, oneroster.Children, oneroster.RefList, oneroster.StringList, oneroster.UserIDs, oneroster.ProfileID:
				t.Errorf("%s.%s has kind %d, which the body decoder does not handle", e.Name, f.Name, f.Kind)
			case oneroster.Enum:
				if _, ok := vocabulary(e, &f); !ok {
					t.Errorf("%s.%s: no vocabulary", e.Name, f.Name)
				}
			case oneroster.Ref, oneroster.LinkRef:
				if oneroster.EntityNamed(f.RefType) == nil {
					t.Errorf("%s.%s: no entity for GUIDRef type %q", e.Name, f.Name, f.RefType)
				}
			}
		}
	}
	_, err := decodeObject(oneroster.User, []byte(`{"sourcedId": "u-1", "roles": []}`), "")
	if err == nil || oneroster.CodeOf(err) != oneroster.CodeInternal {
		t.Errorf("an unwritable kind gave %v, want an internal error", err)
	}
}

// colsOnly is a store.Reader that only knows columns: enough for the
// renderer.
type colsOnly struct {
	store.Reader
}

func (colsOnly) Columns(e *oneroster.Entity) []string {
	var cols []string
	for _, f := range e.Fields {
		if f.Col != "" {
			cols = append(cols, f.Col)
		}
	}
	return cols
}

// TestDecodeBodyRoundTrip checks GET → PUT: what the renderer writes for a
// stored record (with its link-table rows in Sub) decodes to values that
// render to the same JSON.
func TestDecodeBodyRoundTrip(t *testing.T) {
	rd := NewEncoder(colsOnly{})
	sub := func(rows ...[]string) []store.Record {
		var out []store.Record
		for _, r := range rows {
			out = append(out, store.Record{Vals: r})
		}
		return out
	}
	records := []struct {
		e    *oneroster.Entity
		vals map[string]string
		sub  map[string][]store.Record
	}{
		{oneroster.Category, map[string]string{"sourcedId": "cat-1", "status": "active", "dateLastModified": "2024-09-01T00:00:00.000Z",
			"metadata": `{"acme:x":"1","b":"2"}`, "title": "Homework \"hard\"", "weight": "12.5"}, nil},
		{oneroster.LineItem, map[string]string{"sourcedId": "li-1", "status": "tobedeleted", "dateLastModified": "2024-09-01T00:00:00.000Z",
			"title": "Essay", "description": "Line 1\nLine 2", "assignDate": "2024-09-01", "dueDate": "2024-09-15",
			"classSourcedId": "c-1", "schoolSourcedId": "s-1", "categorySourcedId": "cat-1", "academicSessionSourcedId": "t-1",
			"resultValueMin": "0", "resultValueMax": "100"},
			map[string][]store.Record{"scoreScale": sub([]string{"ss-1"}), "learningObjectiveSet": sub(
				[]string{"case", caseID1, "", ""}, []string{"ext:state", "A.1", "", ""}, []string{"case", caseID2, "", ""})}},
		{oneroster.Result, map[string]string{"sourcedId": "r-1", "status": "active", "dateLastModified": "2024-09-01T00:00:00.000Z",
			"lineItemSourcedId": "li-1", "studentSourcedId": "u-1", "classSourcedId": "c-1", "scoreStatus": "partially graded",
			"score": "87.5", "textScore": "B+", "scoreDate": "2024-09-20", "comment": "ok", "late": "true", "missing": "false"},
			map[string][]store.Record{"scoreScale": sub([]string{"ss-2"}), "learningObjectiveSet": sub(
				[]string{"unknown", "LO-1", "3", "mastered"}, []string{"unknown", "LO-2", "", ""}, []string{"ext:x", "LO-1", "0.5", ""})}},
		{oneroster.ScoreScale, map[string]string{"sourcedId": "ss-1", "status": "active", "dateLastModified": "2024-09-01T00:00:00.000Z",
			"title": "Letters", "type": "letter", "courseSourcedId": "co-1", "classSourcedId": "c-1", "scoreScaleValue": "{90-100:A},{80:B}"}, nil},
		{oneroster.AssessmentLineItem, map[string]string{"sourcedId": "ali-1", "status": "active", "dateLastModified": "2024-09-01T00:00:00.000Z",
			"title": "Unit 1", "parentAssessmentLineItemSourcedId": "ali-0", "scoreScaleSourcedId": "ss-1", "resultValueMax": "1e+21",
			"learningObjectiveSet": `[{"source":"ext:state","learningObjectiveIds":["A.1"]}]`}, nil},
		{oneroster.AssessmentResult, map[string]string{"sourcedId": "ar-1", "status": "active", "dateLastModified": "2024-09-01T00:00:00.000Z",
			"assessmentLineItemSourcedId": "ali-1", "studentSourcedId": "u-1", "score": "-1.25", "scoreDate": "2024-09-20",
			"scorePercentile": "99", "scoreStatus": "ext:review", "inProgress": "true",
			"learningObjectiveSet": `[{"source":"case","learningObjectiveResults":[{"learningObjectiveId":"` + caseID1 + `","score":1}]}]`}, nil},
	}
	for _, r := range records {
		t.Run(r.e.Name, func(t *testing.T) {
			cols := colsOnly{}.Columns(r.e)
			rec := store.Record{Vals: make([]string, len(cols)), Sub: r.sub}
			for i, c := range cols {
				rec.Vals[i] = r.vals[c]
			}
			var first buf
			rd.object(&first, r.e, rec, "https://sis.example.org", nil)
			if r.e == oneroster.ScoreScale && !strings.Contains(string(first), `"scoreScaleValue"`) {
				t.Skip("the renderer does not write scoreScaleValue yet")
			}
			for prop := range r.sub {
				if !strings.Contains(string(first), `"`+prop+`"`) {
					t.Fatalf("the renderer left out %s: %s", prop, first)
				}
			}
			ws, err := decodeWrapper(r.e, []byte(wrap(r.e.Name, string(first))), false, r.vals["sourcedId"])
			if err != nil {
				t.Fatalf("decoding %s: %v", first, err)
			}
			again := store.Record{Vals: make([]string, len(cols)), Sub: map[string][]store.Record{}}
			for prop, id := range ws[0].Links {
				if id != "" {
					again.Sub[prop] = sub([]string{id})
				}
			}
			for _, o := range ws[0].Objectives {
				again.Sub["learningObjectiveSet"] = append(again.Sub["learningObjectiveSet"], store.Record{Vals: []string{o.Source, o.ID, o.Score, o.TextScore}})
			}
			for i, c := range cols {
				v, ok := ws[0].Vals[c]
				if c == "dateLastModified" {
					v, ok = r.vals[c], true
				}
				if !ok {
					t.Errorf("column %s missing from Vals", c)
				}
				again.Vals[i] = v
			}
			var second buf
			rd.object(&second, r.e, again, "https://sis.example.org", nil)
			if diff := cmp.Diff(string(first), string(second)); diff != "" {
				t.Errorf("GET → PUT → GET changed the object (-first +second):\n%s", diff)
			}
		})
	}
}
