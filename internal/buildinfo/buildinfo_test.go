package buildinfo

import (
	"runtime"
	"testing"
)

// A test binary records no main module version and no VCS settings: the
// fallback applies. Values set at link time win.
func TestRead(t *testing.T) {
	in := Read()
	if in.Version != "(devel)" || in.GoVersion != runtime.Version() || in.Platform != runtime.GOOS+"/"+runtime.GOARCH {
		t.Errorf("Read() in a test binary = %+v", in)
	}
	version, commit, buildTime = "v1.2.3", "abc123", "2026-12-04T00:00:00Z"
	defer func() { version, commit, buildTime = "", "", "" }()
	if in := Read(); in.Version != "v1.2.3" || in.Commit != "abc123" || in.BuildTime != "2026-12-04T00:00:00Z" {
		t.Errorf("Read() with link-time values = %+v", in)
	}
}
