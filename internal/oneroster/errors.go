// Package oneroster holds the domain of the provider: the OneRoster 1.2 error
// codes, the entity catalogue shared by the CSV and REST bindings, and the
// store contracts. It imports neither database/sql nor net/http, so every
// other package can depend on it.
package oneroster

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Code is a OneRoster imsx_codeMinorFieldValue. The spellings are the
// standard's (rest-query.md §5): some have underscores, some do not.
type Code string

// The code-minor values of the three 1.2 services.
const (
	CodeInvalidFilterField    Code = "invalid_filter_field"
	CodeInvalidSelectionField Code = "invalid_selection_field"
	CodeInvalidSortField      Code = "invalid_sort_field"
	CodeInvalidData           Code = "invaliddata"
	CodeUnauthorised          Code = "unauthorisedrequest"
	CodeForbidden             Code = "forbidden"
	CodeServerBusy            Code = "server_busy"
	CodeUnknownObject         Code = "unknownobject"
	CodeInternal              Code = "internal_server_error"
	CodeDeleteFailure         Code = "deletefailure"
	CodeUnsupported           Code = "unsupported"
)

// Error is a domain error that carries the code-minor a client sees. Any
// error that is not (and does not wrap) an *Error reaches a client only as
// internal_server_error, so internals never leak.
type Error struct {
	Code    Code
	Message string // safe to show to the client
	// Status overrides the HTTP status that Code maps to, where one code
	// serves two statuses (invaliddata: 400 for a query, 422 for a body).
	Status int
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf builds an *Error with a formatted, client-safe message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Is lets errors.Is match an *Error by code alone when the target carries no
// message, so errors.Is(err, ErrNotFound) holds for every unknown object.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Message == ""
}

// ErrNotFound matches (with errors.Is) every unknownobject error.
var ErrNotFound = &Error{Code: CodeUnknownObject}

// NotFound reports an unknown object of the given kind and sourcedId.
func NotFound(kind, id string) error {
	return Errorf(CodeUnknownObject, "Unknown Object: %s %q", kind, id)
}

// CodeOf returns the code-minor of err, or CodeInternal when err carries none.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// MessageOf returns the client-safe description of err.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal server error"
}

// StatusInfo is the imsx_StatusInfo body of an error answer, the one the
// three services and the token endpoint's throttling share: codeMajor
// (failure, or unsupported for a 405), severity error, the description
// and the code as codeMinor.
func StatusInfo(major string, code Code, description string) []byte {
	type field struct {
		Name  string `json:"imsx_codeMinorFieldName"`
		Value string `json:"imsx_codeMinorFieldValue"`
	}
	type minor struct {
		Fields []field `json:"imsx_codeMinorField"`
	}
	v := struct {
		Major       string `json:"imsx_codeMajor"`
		Severity    string `json:"imsx_severity"`
		Description string `json:"imsx_description"`
		Minor       minor  `json:"imsx_CodeMinor"`
	}{major, "error", description, minor{[]field{{"TargetEndSystem", string(code)}}}}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // descriptions quote <name> and & as they are
	enc.Encode(v)
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}
