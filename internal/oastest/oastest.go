// Package oastest checks HTTP responses against the official 1EdTech
// OneRoster 1.2 OpenAPI 3.0 files, so that handler tests prove conformance to
// the published contract rather than to our own reading of it.
//
// The files are not part of the repository (their licence is 1EdTech's and
// they must stay byte-identical to the published ones): tests find them
// through [Dir]. Use it from any package's tests:
//
//	v := oastest.Load(t, oastest.Rostering)
//	rec := httptest.NewRecorder()
//	handler.ServeHTTP(rec, req)
//	v.ValidateResponse(t, req, rec.Code, rec.Header(), rec.Body.Bytes())
package oastest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// EnvDir names the environment variable that points at the folder holding the
// official OpenAPI files. A relative value is read from the module root first,
// because go test runs each package in its own directory and CI sets the
// variable relative to the repository root.
const EnvDir = "ONEROSTER_OPENAPI_DIR"

// walkTarget is where the files sit in a checkout placed next to ../shared.
var walkTarget = filepath.Join("shared", "spec", "artifacts", "openapi")

// Service is one of the three OneRoster 1.2 REST services, spelt as in its
// base path.
type Service string

// The services published by 1EdTech, one OpenAPI file each.
const (
	Rostering Service = "rostering"
	Gradebook Service = "gradebook"
	Resources Service = "resources"
)

// Services lists every service, in a stable order for table tests.
var Services = []Service{Rostering, Gradebook, Resources}

// files maps each service to its official file name. The rostering file is
// "rosters", not "rostering": the names are 1EdTech's, not ours.
var files = map[Service]string{
	Rostering: "onerosterv1p2rostersservice_openapi3_v1p0.json",
	Gradebook: "onerosterv1p2gradebookservice_openapi3_v1p0.json",
	Resources: "onerosterv1p2resourcesservice_openapi3_v1p0.json",
}

// BasePath is the path prefix of every operation of s, as the files' server
// variable basePath fixes it.
func (s Service) BasePath() string { return "/ims/oneroster/" + string(s) + "/v1p2" }

// errNotFound marks the one failure that may skip a test outside CI: nobody
// told us where the files are and they are not where a checkout keeps them.
var errNotFound = errors.New("not found")

// Dir returns the folder holding the three official OpenAPI files: the value
// of ONEROSTER_OPENAPI_DIR when set, otherwise the first
// shared/spec/artifacts/openapi found walking up from the working directory.
//
// When neither yields the files it skips the test, except when the
// environment variable CI is non-empty, where it fails: in CI the contract
// tests must never be skipped silently. A variable that is set but wrong
// always fails, since someone meant it to work.
func Dir(t testing.TB) string {
	t.Helper()
	dir, err := findDir()
	switch {
	case err == nil:
		return dir
	case errors.Is(err, errNotFound) && os.Getenv("CI") == "":
		t.Skipf("oastest: skipping contract test: %v; set %s to the folder holding the 1EdTech OneRoster 1.2 OpenAPI files", err, EnvDir)
	case errors.Is(err, errNotFound):
		t.Fatalf("oastest: %v; CI is set, so contract tests may not be skipped: set %s to the folder holding the 1EdTech OneRoster 1.2 OpenAPI files", err, EnvDir)
	default:
		t.Fatalf("oastest: %v", err)
	}
	return ""
}

func findDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("working directory: %w", err)
	}
	if env := os.Getenv(EnvDir); env != "" {
		return envDir(env, wd)
	}
	for d := wd; ; d = filepath.Dir(d) {
		candidate := filepath.Join(d, walkTarget)
		if fi, err := os.Stat(candidate); err == nil && fi.IsDir() {
			if err := hasFiles(candidate); err != nil {
				return "", fmt.Errorf("found %s walking up from %s, but %w", candidate, wd, err)
			}
			return candidate, nil
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	return "", fmt.Errorf("%s is unset and no %s was found walking up from %s: %w", EnvDir, walkTarget, wd, errNotFound)
}

func envDir(env, wd string) (string, error) {
	var candidates []string
	if filepath.IsAbs(env) {
		candidates = []string{env}
	} else {
		if root, ok := moduleRoot(wd); ok {
			candidates = append(candidates, filepath.Join(root, env))
		}
		candidates = append(candidates, filepath.Join(wd, env))
	}
	for _, c := range candidates {
		if fi, err := os.Stat(c); err == nil && fi.IsDir() {
			if err := hasFiles(c); err != nil {
				return "", fmt.Errorf("%s=%q: %w", EnvDir, env, err)
			}
			return c, nil
		}
	}
	return "", fmt.Errorf("%s=%q is not a directory (tried %s)", EnvDir, env, strings.Join(candidates, ", "))
}

// moduleRoot returns the nearest ancestor of dir holding a go.mod.
func moduleRoot(dir string) (string, bool) {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, true
		}
		if filepath.Dir(d) == d {
			return "", false
		}
	}
}

func hasFiles(dir string) error {
	var missing []string
	for _, s := range Services {
		if _, err := os.Stat(filepath.Join(dir, files[s])); err != nil {
			missing = append(missing, files[s])
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s lacks %s", dir, strings.Join(missing, ", "))
	}
	return nil
}

// loaded caches one parsed file per service for the whole test binary:
// parsing and validating the rostering file takes a noticeable fraction of a
// second, and hundreds of handler tests share it.
var loaded = map[Service]*cacheEntry{
	Rostering: {},
	Gradebook: {},
	Resources: {},
}

type cacheEntry struct {
	once sync.Once
	dir  string
	v    *Validator
	err  error
}

// Load returns the validator for service s, reading its official file from
// [Dir] the first time any test asks for it. It skips or fails the test as
// Dir does when the files cannot be found, and fails it when the file does
// not parse or validate.
//
// The file's servers are replaced by the bare base path
// (/ims/oneroster/<service>/v1p2), so requests to any scheme and host match:
// httptest servers listen on random ports.
func Load(t testing.TB, s Service) *Validator {
	t.Helper()
	return load1(t, s, Dir(t))
}

// Optional is Load for a test whose subject is the server's behaviour,
// with the contract checked on the side: without the files (and outside
// CI) it returns a Validator whose ValidateResponse checks nothing, says
// so once in the test's log, and lets the test's own assertions run, so a
// plain clone still tests the HTTP behaviour. Tests whose subject is the
// contract itself call Require, or use Load.
func Optional(t testing.TB, s Service) *Validator {
	t.Helper()
	_, err := findDir()
	if errors.Is(err, errNotFound) && os.Getenv("CI") == "" {
		t.Logf("oastest: responses are not validated against the official OpenAPI: %v; set %s to the folder holding the files", err, EnvDir)
		return &Validator{service: s, absent: err.Error()}
	}
	return load1(t, s, Dir(t))
}

// Require skips the test when v has no files (see Optional): its
// subject is the contract.
func (v *Validator) Require(t testing.TB) {
	t.Helper()
	if v.absent != "" {
		t.Skipf("oastest: skipping contract test: %s", v.absent)
	}
}

// Has reports whether v has the files (see Optional).
func (v *Validator) Has() bool { return v.absent == "" }

func load1(t testing.TB, s Service, dir string) *Validator {
	t.Helper()
	e, ok := loaded[s]
	if !ok {
		t.Fatalf("oastest: unknown service %q (want one of %q)", s, Services)
	}
	e.once.Do(func() {
		e.dir = dir
		e.v, e.err = load(dir, s)
	})
	if e.err != nil {
		t.Fatalf("oastest: %v", e.err)
	}
	if e.dir != dir {
		// A test that moved ONEROSTER_OPENAPI_DIR would otherwise silently
		// get the files of the first one.
		t.Fatalf("oastest: %s was loaded from %s; cannot switch to %s within one test binary", s, e.dir, dir)
	}
	return e.v
}
