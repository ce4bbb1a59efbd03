package csvbind

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	orgsHeader  = "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId"
	usersHeader = "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns"
	sessHeader  = "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear"
)

// readProblems drains r and returns every problem, rows first (in row order)
// then the file's own, as strings.
func readProblems(t testing.TB, r *Reader) []string {
	t.Helper()
	var out []string
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		for _, p := range row.Problems {
			out = append(out, p.String())
		}
		for _, p := range row.Warnings {
			out = append(out, "warning: "+p.String())
		}
	}
	for _, p := range r.Problems() {
		out = append(out, p.String())
	}
	for _, p := range r.Warnings() {
		out = append(out, "warning: "+p.String())
	}
	return out
}

func TestReaderProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		file string
		mode Mode
		data string
		want []string
	}{
		{
			name: "valid bulk",
			file: "orgs.csv", mode: Bulk,
			data: orgsHeader + "\no1,,,District,district,,\no2,,,School,school,NCES1,o1\n",
		},
		{
			name: "valid delta",
			file: "orgs.csv", mode: Delta,
			data: orgsHeader + "\no1,active,2023-01-01T00:00:00.000Z,District,district,,\no2,tobedeleted,2023-01-01T00:00:00+00:00,S,school,,o1\n",
		},
		{
			name: "BOM accepted, columns counted after it",
			file: "orgs.csv", mode: Bulk,
			data: "\xEF\xBB\xBF" + orgsHeader + "\no1,,,District,Bogus,,\n",
			want: []string{`orgs.csv:2:5: ENUM: "Bogus" is not a valid type; expected department, school, district, local, state, national or ext:<name>`},
		},
		{
			name: "UTF-16 refused",
			file: "orgs.csv", mode: Bulk,
			data: "\xFF\xFEs\x00o\x00",
			want: []string{`orgs.csv:0:0: ENCODING: the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8`},
		},
		{
			name: "CRLF accepted",
			file: "orgs.csv", mode: Bulk,
			data: strings.ReplaceAll(orgsHeader+"\no1,,,District,district,,\no2,,,\"S, the school\",school,,o1\n", "\n", "\r\n"),
		},
		{
			name: "CR-only line endings",
			file: "orgs.csv", mode: Bulk,
			data: strings.ReplaceAll(orgsHeader+"\no1,,,D,district,,\n", "\n", "\r"),
			want: []string{`orgs.csv:1:7: HEADER: the header runs into the next line at a bare carriage return; save the file with LF or CRLF line endings`},
		},
		{
			name: "no final newline",
			file: "orgs.csv", mode: Bulk,
			data: orgsHeader + "\no1,,,District,district,,",
		},
		{
			name: "header out of order",
			file: "orgs.csv", mode: Bulk,
			data: "sourcedId,status,dateLastModified,type,name,identifier,parentSourcedId\no1,,,district,D,,\n",
			want: []string{`orgs.csv:1:4: HEADER: column "type" is out of order; "name" belongs here (the standard order is sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId)`},
		},
		{
			name: "header misspelt",
			file: "orgs.csv", mode: Bulk,
			data: "sourcedId,status,dateLastModified,nmae,type,identifier,parentSourcedId\no1,,,D,district,,\n",
			want: []string{
				`orgs.csv:1:4: HEADER: unknown column "nmae"; did you mean "name"?`,
				`orgs.csv:1:0: HEADER: missing column "name"`,
			},
		},
		{
			name: "header wrong case",
			file: "orgs.csv", mode: Bulk,
			data: "SourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\no1,,,D,district,,\n",
			want: []string{
				`orgs.csv:1:1: HEADER: unknown column "SourcedId"; did you mean "sourcedId"?`,
				`orgs.csv:1:0: HEADER: missing column "sourcedId"`,
			},
		},
		{
			name: "header duplicate column",
			file: "orgs.csv", mode: Bulk,
			data: orgsHeader + ",name\no1,,,D,district,,,D\n",
			want: []string{`orgs.csv:1:8: HEADER: duplicate column "name"`},
		},
		{
			name: "header trailing comma",
			file: "orgs.csv", mode: Bulk,
			data: orgsHeader + ",\no1,,,D,district,,,\n",
			want: []string{`warning: orgs.csv:1:8: TRAILING_CELL: the header ends with an empty cell (a trailing comma); it is ignored, and so is one empty cell at the end of each row`},
		},
		{
			// Two are not a habit but a broken header.
			name: "header with two trailing commas",
			file: "orgs.csv", mode: Bulk,
			data: orgsHeader + ",,\no1,,,D,district,,,,\n",
			want: []string{`orgs.csv:1:8: HEADER: empty column name; is there a stray comma in the header?`, `orgs.csv:1:9: HEADER: duplicate column ""`},
		},
		{
			name: "row trailing comma",
			file: "orgs.csv", mode: Bulk,
			data: orgsHeader + "\no1,,,D,district,,,\no2,,,D,district,,,,\n",
			want: []string{
				`warning: orgs.csv:2:8: TRAILING_CELL: the row has one empty cell more than the header (a trailing comma); it is ignored`,
				`orgs.csv:3:0: COLUMN_COUNT: the row has 9 cells but the header has 7`,
			},
		},
		{
			name: "users.csv in the 2022 layout",
			file: "users.csv", mode: Bulk,
			data: strings.Replace(usersHeader, "userMasterIdentifier,", "userMasterIdentifier,resourceSourcedIds,", 1) + "\n",
			want: []string{`users.csv:1:18: HEADER: unknown column "resourceSourcedIds"; the 1.2.1 binding removed it from users.csv; send user resources in userResources.csv`},
		},
		{
			name: "a header of commas is one problem",
			file: "orgs.csv", mode: Bulk,
			data: strings.Repeat(",", 2000) + "\n",
			want: []string{`orgs.csv:1:0: HEADER: the header has 2001 cells; at most 1024 are supported`},
		},
		{
			name: "metadata column after the standard ones",
			file: "orgs.csv", mode: Bulk,
			data: orgsHeader + ",metadata.house\no1,,,D,district,,,Red\n",
		},
		{
			name: "metadata column before a standard one",
			file: "orgs.csv", mode: Bulk,
			data: "sourcedId,status,dateLastModified,name,metadata.house,type,identifier,parentSourcedId\no1,,,D,Red,district,,\n",
			want: []string{`orgs.csv:1:5: HEADER: metadata column "metadata.house" must come after all standard columns`},
		},
		{
			name: "metadata column without a name",
			file: "orgs.csv", mode: Bulk,
			data: orgsHeader + ",metadata.\no1,,,D,district,,,x\n",
			want: []string{`orgs.csv:1:8: HEADER: metadata column needs a name after "metadata."`},
		},
		{
			name: "empty file",
			file: "orgs.csv", mode: Bulk,
			data: "",
			want: []string{`orgs.csv:0:0: HEADER: the file is empty; the header row is mandatory`},
		},
		{
			name: "header only",
			file: "orgs.csv", mode: Bulk,
			data: orgsHeader + "\r\n\r\n",
			want: []string{`orgs.csv:0:0: EMPTY_FILE: the file has a header but no data rows; leave it out of the package and mark it absent in manifest.csv`},
		},
		{
			name: "required value missing",
			file: "orgs.csv", mode: Bulk,
			data: orgsHeader + "\no1,,,,district,,\n",
			want: []string{`orgs.csv:2:4: REQUIRED: name is required`},
		},
		{
			name: "wrong-case enum",
			file: "orgs.csv", mode: Delta,
			data: orgsHeader + "\no1,Active,2023-01-01T00:00:00Z,D,District,,\n",
			want: []string{
				`warning: orgs.csv:2:2: CASE_FOLDED: status "Active" read as "active" (the binding's values are case-sensitive)`,
				`warning: orgs.csv:2:5: CASE_FOLDED: type "District" read as "district" (the binding's values are case-sensitive)`,
			},
		},
		{
			name: "ext: where allowed",
			file: "orgs.csv", mode: Bulk,
			data: orgsHeader + "\no1,,,D,ext:campus,,\n",
		},
		{
			name: "ext: refused",
			file: "orgs.csv", mode: Delta,
			data: orgsHeader + "\no1,ext:gone,2023-01-01T00:00:00Z,D,ext:,,\no2,active,2023-01-01T00:00:00Z,D,ext:a b,,\no3,active,2023-01-01T00:00:00Z,D,EXT:campus,,\n",
			want: []string{
				`orgs.csv:2:2: ENUM: "ext:gone" is not a valid status; this vocabulary is closed, so ext: values are not allowed (expected active or tobedeleted)`,
				`orgs.csv:2:5: ENUM: "ext:" is not a valid type; an ext: value must match ext:[A-Za-z0-9._-]+`,
				`orgs.csv:3:5: ENUM: "ext:a b" is not a valid type; an ext: value must match ext:[A-Za-z0-9._-]+`,
				`orgs.csv:4:5: ENUM: "EXT:campus" is not a valid type; did you mean "ext:campus"?`,
			},
		},
		{
			name: "bad dates and year",
			file: "academicSessions.csv", mode: Bulk,
			data: sessHeader + "\ns1,,,Fall,term,2023-02-30,2023-13-01,,23\ns2,,,Fall,term,2023/02/01,2024-02-29,,2024\n",
			want: []string{
				`academicSessions.csv:2:6: DATE: "2023-02-30" is not a valid startDate: February 2023 has no day 30`,
				`academicSessions.csv:2:7: DATE: "2023-13-01" is not a valid endDate: month out of range`,
				`academicSessions.csv:2:9: YEAR: "23" is not a valid schoolYear; expected four digits (YYYY)`,
				`academicSessions.csv:3:6: DATE: "2023/02/01" is not a valid startDate: expected YYYY-MM-DD`,
			},
		},
		{
			name: "bad date-times",
			file: "orgs.csv", mode: Delta,
			data: orgsHeader + "\no1,active,2023-01-01T00:00:00,D,school,,\no2,active,2023-01-01T10:00:00+02:00,D,school,,\no3,active,2023-01-01,D,school,,\n",
			want: []string{
				`orgs.csv:2:3: DATETIME: "2023-01-01T00:00:00" is not a valid dateLastModified: no time zone; expected a UTC timestamp like 2006-01-02T15:04:05.000Z`,
				`orgs.csv:3:3: DATETIME: "2023-01-01T10:00:00+02:00" is not a valid dateLastModified: offset +02:00 is not UTC; convert to UTC and write Z`,
				`orgs.csv:4:3: DATETIME: "2023-01-01" is not a valid dateLastModified: a date without a time; expected a UTC timestamp like 2006-01-02T15:04:05.000Z`,
			},
		},
		{
			name: "illegal sourcedId characters",
			file: "orgs.csv", mode: Bulk,
			data: orgsHeader + "\na b,,,D,school,,\né,,,D,school,,o/1@x.y_z-9\n",
			want: []string{
				`orgs.csv:2:1: SOURCEDID: sourcedId "a b" contains ' ', which identifiers may not use (allowed: 0-9 A-Z a-z . - _ / @)`,
				`orgs.csv:3:1: SOURCEDID: sourcedId "é" contains 'é', which identifiers may not use (allowed: 0-9 A-Z a-z . - _ / @)`,
			},
		},
		{
			name: "sourcedId too long",
			file: "orgs.csv", mode: Bulk,
			data: orgsHeader + "\n" + strings.Repeat("x", 256) + ",,,D,school,,\n",
			want: []string{`orgs.csv:2:1: SOURCEDID: sourcedId "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"… is 256 characters long; the limit is 255`},
		},
		{
			name: "quoted line break",
			file: "orgs.csv", mode: Bulk,
			data: orgsHeader + "\no1,,,\"Line\r\nbreak\",school,,\no2,,,D,school,,\n",
			want: []string{`orgs.csv:2:4: LINE_BREAK: name contains a line break; the CSV binding forbids line breaks inside cells`},
		},
		{
			name: "bare quote stops the file",
			file: "orgs.csv", mode: Bulk,
			data: orgsHeader + "\no1,,,D,school,,\no2,,,The \"Best\" School,school,,\no3,,,D,Bogus,,\n",
			want: []string{`orgs.csv:3:0: CSV_SYNTAX: bare " in an unquoted field; quote the whole field and double the quotes inside it ("") (at byte 10 of line 3)`},
		},
		{
			name: "stray quote after a closing quote",
			file: "orgs.csv", mode: Bulk,
			data: orgsHeader + "\no1,,,\"The \"Best\" School\",school,,\n",
			want: []string{`orgs.csv:2:0: CSV_SYNTAX: unexpected " in a quoted field; a quote inside a quoted field must be doubled ("") (at byte 11 of line 2)`},
		},
		{
			name: "unterminated quote",
			file: "orgs.csv", mode: Bulk,
			data: orgsHeader + "\no1,,,D,school,,\no2,,,\"Unclosed,school,,\no3,,,D,school,,\n",
			want: []string{`orgs.csv:3:0: CSV_SYNTAX: quoted field is never closed; the file ends inside it (at byte 6 of line 3)`},
		},
		{
			name: "unterminated quote at end of file",
			file: "orgs.csv", mode: Bulk,
			data: orgsHeader + "\no1,,,\"Unclosed",
			want: []string{`orgs.csv:2:0: CSV_SYNTAX: quoted field is never closed; the file ends inside it (at byte 6 of line 2)`},
		},
		{
			name: "unterminated quote in the header after a BOM",
			file: "orgs.csv", mode: Bulk,
			data: "\xEF\xBB\xBF\"sourcedId,status\n",
			want: []string{`orgs.csv:1:0: CSV_SYNTAX: quoted field is never closed; the file ends inside it (at byte 1 of line 1)`},
		},
		{
			name: "invalid UTF-8",
			file: "orgs.csv", mode: Bulk,
			data: orgsHeader + "\no1,,,Caf\xe9,school,,\n",
			want: []string{`orgs.csv:2:4: ENCODING: name is not valid UTF-8 (byte 0xE9 at offset 3 of the cell); save the file as UTF-8`},
		},
		{
			name: "status set in a bulk file",
			file: "orgs.csv", mode: Bulk,
			data: orgsHeader + "\no1,active,2023-01-01T00:00:00.000Z,D,school,,\n",
			want: []string{
				`warning: orgs.csv:2:2: STATUS_IN_BULK: status is filled ("active") in a bulk file; bulk semantics apply: it is imported as any bulk row`,
				`warning: orgs.csv:2:3: STATUS_IN_BULK: dateLastModified is filled ("2023-01-01T00:00:00.000Z") in a bulk file; bulk rows take the import's time, so it is ignored`,
			},
		},
		{
			name: "status missing in a delta file",
			file: "orgs.csv", mode: Delta,
			data: orgsHeader + "\no1,,,D,school,,\n",
			want: []string{
				`orgs.csv:2:2: DELTA_FIELDS: status is required in a delta file`,
				`orgs.csv:2:3: DELTA_FIELDS: dateLastModified is required in a delta file`,
			},
		},
		{
			name: "column count",
			file: "orgs.csv", mode: Bulk,
			data: orgsHeader + "\no1,,,D,school\no2,,,D,school,,,extra\n",
			want: []string{
				`orgs.csv:2:0: COLUMN_COUNT: the row has 5 cells but the header has 7`,
				`orgs.csv:3:0: COLUMN_COUNT: the row has 8 cells but the header has 7`,
			},
		},
		{
			name: "booleans, lists and structured lists",
			file: "users.csv", mode: Bulk,
			data: usersHeader + "\n" +
				"u1,,,TRUE,jd,\"{LDAP:cn=jd,ou=x},{LTI:1}\",J,D,,,,,,,\"9,10\",,,,,,,\n" +
				"u2,,,yes,jd,{LDAP},J,D,,,,,,\"u1,,u3\",\"9,\",,,,,,,\n" +
				"u3,,,false,jd,{LDAP:a}{LTI:b},J,D,,,,,,a b,,,,,,,,\n",
			want: []string{
				`warning: users.csv:2:4: CASE_FOLDED: enabledUser "TRUE" read as "true" (the binding's values are case-sensitive)`,
				`users.csv:3:4: BOOLEAN: "yes" is not a valid enabledUser; expected true or false`,
				`users.csv:3:6: LIST: "{LDAP}" is not a valid userIds: item 1 {LDAP} has no colon; expected {type:identifier}`,
				`users.csv:3:14: LIST: agentSourcedIds item 2 is empty; lists are written a,b,c with no empty items`,
				`users.csv:3:15: LIST: grades item 2 is empty; lists are written a,b,c with no empty items`,
				`users.csv:4:6: LIST: "{LDAP:a}{LTI:b}" is not a valid userIds: item 1 is malformed; expected items of the form {type:identifier} separated by commas, with no spaces`,
				`users.csv:4:14: SOURCEDID: agentSourcedIds item "a b" contains ' ', which identifiers may not use (allowed: 0-9 A-Z a-z . - _ / @)`,
			},
		},
		{
			name: "a list cell yields at most one problem",
			file: "users.csv", mode: Bulk,
			data: usersHeader + "\nu1,,,true,jd,,J,D,,,,,,\"a b,c d\",\"" + strings.Repeat(",", 500) + "\",,,,,,,\n",
			want: []string{
				`users.csv:2:14: SOURCEDID: agentSourcedIds item "a b" contains ' ', which identifiers may not use (allowed: 0-9 A-Z a-z . - _ / @)`,
				`users.csv:2:15: LIST: grades item 1 is empty; lists are written a,b,c with no empty items`,
			},
		},
		{
			name: "numbers",
			file: "categories.csv", mode: Bulk,
			// weight is Integer in the binding, Float in the model: 1.5 is read.
			data: "sourcedId,status,dateLastModified,title,weight\nc1,,,Homework,1.5\nc2,,,Tests,+40\nc3,,,Quizzes,ten\n",
			want: []string{`categories.csv:4:5: NUMBER: "ten" is not a valid weight; expected a decimal number such as 87.5`},
		},
		{
			name: "floats and enum lists",
			file: "resources.csv", mode: Bulk,
			data: "sourcedId,status,dateLastModified,vendorResourceId,title,roles,importance,vendorId,applicationId\n" +
				"r1,,,v1,T,\"teacher,ext:coach,Student\",Primary,,\n",
			want: []string{
				`warning: resources.csv:2:6: CASE_FOLDED: roles "teacher,ext:coach,Student" read as "teacher,ext:coach,student" (the binding's values are case-sensitive)`,
				`warning: resources.csv:2:7: CASE_FOLDED: importance "Primary" read as "primary" (the binding's values are case-sensitive)`,
			},
		},
		{
			name: "rules across two cells",
			file: "lineItemLearningObjectiveIds.csv", mode: Bulk,
			data: "sourcedId,status,dateLastModified,lineItemSourcedId,source,learningObjectiveId\n" +
				"x1,,,li,case,urn:uuid:2B1F5C9A-3c1d-4e8f-9a6b-1c2d3e4f5a6b\nx2,,,li,case,2b1f5c9a-3c1d-4e8f-9a6b-1c2d3e4f5a6b\nx3,,,li,unknown,FRAC-3\n",
			want: []string{
				`lineItemLearningObjectiveIds.csv:3:6: CASE_ID: "2b1f5c9a-3c1d-4e8f-9a6b-1c2d3e4f5a6b" is not a UUID URN (urn:uuid:<uuid>), which a learningObjectiveId of source case must be`,
			},
		},
		{
			name: "parallel subjects",
			file: "courses.csv", mode: Bulk,
			data: "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes\n" +
				"c1,,,,Bio,B,,o1,\"Science,Biology\",\"SCI,BIO\"\nc2,,,,Bio,B,,o1,\"Science,Biology\",SCI\nc3,,,,Bio,B,,o1,,SCI\n",
			want: []string{
				`courses.csv:3:10: PARALLEL_LISTS: subjectCodes has 1 items but subjects has 2; the lists are parallel (the n-th code is the n-th subject's)`,
			},
		},
		{
			name: "control characters",
			file: "orgs.csv", mode: Bulk,
			data: orgsHeader + "\no1,,,Dis\x00trict,district,,\no2,,,Tab\tSchool,school,,o1\no3,,,Bell\x07,school,,o1\n",
			want: []string{
				`orgs.csv:2:4: CONTROL_CHAR: name holds the control character 0x00 at byte 4 of the cell; remove it (a tab is allowed)`,
				`orgs.csv:4:4: CONTROL_CHAR: name holds the control character 0x07 at byte 5 of the cell; remove it (a tab is allowed)`,
			},
		},
		{
			name: "scores",
			file: "resultLearningObjectiveIds.csv", mode: Bulk,
			data: "sourcedId,status,dateLastModified,resultSourcedId,source,learningObjectiveId,score,textScore\n" +
				"x1,,,r1,case,urn:uuid:1,87.5,\nx2,,,r1,unknown,lo,NaN,\nx3,,,r1,unknown,lo,1e999,\nx4,,,r1,unknown,lo,-.5e3,\n",
			want: []string{
				`resultLearningObjectiveIds.csv:2:6: CASE_ID: "urn:uuid:1" is not a UUID URN (urn:uuid:<uuid>), which a learningObjectiveId of source case must be`,
				`resultLearningObjectiveIds.csv:3:7: NUMBER: "NaN" is not a valid score; expected a decimal number such as 87.5`,
				`resultLearningObjectiveIds.csv:4:7: NUMBER: "1e999" is not a valid score; expected a decimal number such as 87.5`,
			},
		},
		{
			name: "score scale values",
			file: "scoreScales.csv", mode: Bulk,
			data: "sourcedId,status,dateLastModified,title,type,orgSourcedId,courseSourcedId,classSourcedId,scoreScaleValue\n" +
				"s1,,,Letters,letter,o1,c1,k1,\"{A+:100},{A:94},{60-69:B}\"\ns2,,,Letters,letter,o1,c1,k1,{:50}\n",
			want: []string{`scoreScales.csv:3:9: LIST: "{:50}" is not a valid scoreScaleValue: item 1 {:50} has an empty side; expected {LHS:RHS}`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := NewReader(strings.NewReader(tt.data), FileByName(tt.file), tt.mode)
			got := readProblems(t, r)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReaderRows(t *testing.T) {
	t.Parallel()
	data := orgsHeader + ",metadata.house,metadata.motto\r\n" +
		"o1,,,District,district,,,Red,\"Onward, upward\"\r\n" +
		"\r\n" + // blank lines are skipped but still counted
		"o2,,,School,school,NCES1,o1\r\n"
	r := NewReader(strings.NewReader(data), FileByName("orgs.csv"), Bulk)
	defer r.Close()
	type got struct {
		Line     int
		Values   []string
		Metadata map[string]string
		Problems []string
		Pos      [][3]int // line, field, offset of cells 0, 6 (parentSourcedId) and 7 (past the standard columns)
	}
	var rows []got
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		g := got{Line: row.Line, Values: append([]string(nil), row.Values...), Metadata: map[string]string{}}
		for k, v := range row.Metadata {
			g.Metadata[k] = v
		}
		for _, p := range row.Problems {
			g.Problems = append(g.Problems, p.String())
		}
		for _, i := range []int{0, 6, 7} {
			line, field, off := r.Pos(i)
			g.Pos = append(g.Pos, [3]int{line, field, off})
		}
		rows = append(rows, g)
	}
	want := []got{
		{Line: 2, Values: []string{"o1", "", "", "District", "district", "", ""}, Metadata: map[string]string{"house": "Red", "motto": "Onward, upward"},
			Pos: [][3]int{{2, 1, 1}, {2, 7, 25}, {2, 8, 26}}},
		{Line: 4, Values: []string{"o2", "", "", "School", "school", "NCES1", "o1"}, Metadata: map[string]string{},
			Problems: []string{"orgs.csv:4:0: COLUMN_COUNT: the row has 7 cells but the header has 9"},
			Pos:      [][3]int{{4, 1, 1}, {4, 7, 26}, {4, 0, 0}}},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("rows mismatch (-want +got):\n%s", diff)
	}
	if p := r.Problems(); len(p) != 0 {
		t.Errorf("file problems: %v", p)
	}
	if line, col, off := r.Pos(0); line != 4 || col != 0 || off != 0 {
		t.Errorf("Pos after EOF = %d, %d; want the last line and column 0", line, col)
	}
	// Without metadata columns, Metadata stays nil so callers can skip it.
	r = NewReader(strings.NewReader(orgsHeader+"\no1,,,D,district,,\n"), FileByName("orgs.csv"), Bulk)
	if row, err := r.Next(); err != nil || row.Metadata != nil {
		t.Errorf("Next = %+v, %v; want nil Metadata", row, err)
	}
}

func TestReaderRecordCap(t *testing.T) {
	t.Parallel()
	// An unterminated quote must fail fast instead of buffering the rest of
	// a large file.
	var b strings.Builder
	b.WriteString(orgsHeader + "\no1,,,\"Unclosed,school,,\n")
	for b.Len() < 3*DefaultMaxRecordSize {
		b.WriteString("o2,,,D,school,,\n")
	}
	r := NewReader(strings.NewReader(b.String()), FileByName("orgs.csv"), Bulk)
	got := readProblems(t, r)
	want := []string{`orgs.csv:2:0: CSV_SYNTAX: quoted field is still open after 1048576 bytes; a closing quote is probably missing (at byte 6 of line 2)`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func FuzzReader(f *testing.F) {
	f.Add([]byte(usersHeader + "\nu1,,,true,jd,{LDAP:x},J,D,,,,,,,\"9,10\",,,,,,,\n"))
	f.Add([]byte("\xEF\xBB\xBF" + usersHeader + ",metadata.x\r\nu1,active,2023-01-01T00:00:00Z,false,a,,b,c,,,,,,,,,,,,,,,m\r\n"))
	f.Add([]byte(usersHeader + "\nu1,\"a\nb\",x\n\"unterminated"))
	f.Add([]byte("a\"b,c\n"))
	f.Add([]byte(""))
	spec := FileByName("users.csv")
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, mode := range []Mode{Bulk, Delta} {
			r := NewReader(bytes.NewReader(data), spec, mode)
			for {
				row, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("Next: %v", err)
				}
				if len(row.Values) != len(spec.Columns) {
					t.Fatalf("len(Values) = %d", len(row.Values))
				}
				for _, p := range row.Problems {
					if p.File != "users.csv" || p.Line < 1 || p.Column < 0 {
						t.Fatalf("bad problem %v", p)
					}
				}
			}
			if _, err := r.Next(); err != io.EOF {
				t.Fatalf("Next after EOF: %v", err)
			}
		}
	})
}

// BenchmarkReader reads a 100k-row enrollments.csv; run with
// go test -bench Reader -run '^$' ./internal/csvbind/ to see ns/row and allocs/row.
func BenchmarkReader(b *testing.B) {
	const rows = 100_000
	var buf bytes.Buffer
	buf.WriteString("sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate\n")
	for i := range rows {
		fmt.Fprintf(&buf, "enr-%d,,,class-%d,school-%d,user-%d,student,false,2023-09-01,2024-06-30\n", i, i%500, i%10, i)
	}
	data := buf.Bytes()
	spec := FileByName("enrollments.csv")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	b.ResetTimer()
	for b.Loop() {
		r := NewReader(bytes.NewReader(data), spec, Bulk)
		n := 0
		for {
			row, err := r.Next()
			if err != nil {
				break
			}
			if len(row.Problems) != 0 {
				b.Fatal(row.Problems)
			}
			n++
		}
		if n != rows {
			b.Fatalf("read %d rows", n)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&ms1)
	total := float64(b.N) * rows
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/total, "ns/row")
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/total, "allocs/row")
}

// TestProblemPlace: a cell's problem names its field number (a
// spreadsheet's column), its header and its byte offset.
func TestProblemPlace(t *testing.T) {
	t.Parallel()
	r := NewReader(strings.NewReader(orgsHeader+"\no1,,,\"Lincoln, High\",academy,,\n"), FileByName("orgs.csv"), Bulk)
	row, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	want := []Problem{{File: "orgs.csv", Line: 2, Column: 5, Header: "type", Offset: 22, Code: CodeEnum,
		Message: `"academy" is not a valid type; expected department, school, district, local, state, national or ext:<name>`}}
	if diff := cmp.Diff(want, row.Problems); diff != "" {
		t.Errorf("problem (-want +got)\n%s", diff)
	}
}
