// Package buildinfo says which build of oneroster is running: its
// version, the commit it was built from and when, read from what the Go
// toolchain records in the binary (runtime/debug.ReadBuildInfo), or from
// values the build sets with -ldflags -X where the toolchain cannot know
// them (a build time; a container build without the .git folder).
package buildinfo

import (
	"runtime"
	"runtime/debug"
)

// Set at link time, each optional:
//
//	go build -ldflags "-X github.com/oneroster/oneroster/internal/buildinfo.buildTime=$(date -u +%Y-%m-%dT%H:%M:%SZ)" ./cmd/oneroster
//
// version and commit override what the toolchain recorded; buildTime is
// known only this way (Go records the commit's time, not the build's).
var version, commit, buildTime string

// Info describes the running binary. Unknown fields are "".
type Info struct {
	Version    string `json:"version"`              // a module version, or "(devel)" for a build from a work tree without a tag
	Commit     string `json:"commit,omitempty"`     // the VCS revision
	CommitTime string `json:"commitTime,omitempty"` // RFC 3339, of the commit
	Modified   bool   `json:"modified,omitempty"`   // the work tree had uncommitted changes
	BuildTime  string `json:"buildTime,omitempty"`  // RFC 3339, when set at link time
	GoVersion  string `json:"goVersion"`
	Platform   string `json:"platform"` // GOOS/GOARCH
}

// Read returns the running binary's build information. A binary without
// any (a test binary, one built with -buildvcs=false) still gets a
// version, "(devel)", and its Go version.
func Read() Info {
	in := Info{Version: "(devel)", GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v := bi.Main.Version; v != "" {
			in.Version = v
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				in.Commit = s.Value
			case "vcs.time":
				in.CommitTime = s.Value
			case "vcs.modified":
				in.Modified = s.Value == "true"
			}
		}
	}
	if version != "" {
		in.Version = version
	}
	if commit != "" {
		in.Commit = commit
	}
	in.BuildTime = buildTime
	return in
}
