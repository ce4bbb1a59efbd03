package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// command is exec.CommandContext with a working directory.
func command(ctx context.Context, dir, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	return cmd
}

// measured is one finished process: its wall time and peak RSS.
type measured struct {
	Wall   time.Duration
	RSSKiB int64
	Stdout []byte
	Stderr []byte
}

// runMeasured runs a process to completion. The peak RSS is the
// ru_maxrss that wait4 reports for the child, the figure /usr/bin/time -v
// prints as "Maximum resident set size".
func runMeasured(ctx context.Context, stdin io.Reader, name string, args ...string) (measured, error) {
	var m measured
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, &out, &errb
	start := time.Now()
	err := cmd.Run()
	m.Wall = time.Since(start)
	m.Stdout, m.Stderr = out.Bytes(), errb.Bytes()
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			m.RSSKiB = ru.Maxrss // KiB on Linux
		}
	}
	if err != nil {
		return m, fmt.Errorf("%s %s: %v\n%s%s", filepath.Base(name), strings.Join(args, " "), err, tail(out.Bytes()), tail(errb.Bytes()))
	}
	return m, nil
}

func tail(b []byte) string {
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// ensurePackage generates the district once per size and generator source,
// and reuses it from the cache afterwards.
func ensurePackage(ctx context.Context, c config, bin string, students int, logf func(string, ...any)) (string, error) {
	h := sha256.New()
	files, _ := filepath.Glob(filepath.Join(c.Repo, "internal", "generate", "*.go"))
	sort.Strings(files)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		h.Write(b)
	}
	dir := filepath.Join(c.Cache, fmt.Sprintf("district-%d-seed1-%s", students, hex.EncodeToString(h.Sum(nil))[:12]))
	if _, err := os.Stat(filepath.Join(dir, "manifest.csv")); err == nil {
		logf("using cached package %s", dir)
		return dir, nil
	}
	if err := os.MkdirAll(c.Cache, 0o755); err != nil {
		return "", err
	}
	tmp := dir + ".tmp"
	os.RemoveAll(tmp)
	logf("generating %d students into %s", students, dir)
	if _, err := runMeasured(ctx, nil, bin, "generate", "--out", tmp, "--students", strconv.Itoa(students), "--seed", "1"); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return "", err
	}
	return dir, nil
}

// dataFiles lists the package's CSV files other than the manifest.
func dataFiles(pkg string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(pkg, "*.csv"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range files {
		if filepath.Base(f) != "manifest.csv" {
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out, nil
}

// countRows counts the data rows (CSV records after the header) per file.
func countRows(pkg string) (map[string]int, int, error) {
	files, err := dataFiles(pkg)
	if err != nil {
		return nil, 0, err
	}
	counts := map[string]int{}
	total := 0
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return nil, 0, err
		}
		r := csv.NewReader(fh)
		r.FieldsPerRecord, r.ReuseRecord, r.LazyQuotes = -1, true, true
		n := -1
		for {
			if _, err = r.Read(); err != nil {
				break
			}
			n++
		}
		fh.Close()
		if err != io.EOF {
			return nil, 0, fmt.Errorf("%s: %v", f, err)
		}
		if n < 0 {
			n = 0
		}
		counts[filepath.Base(f)] = n
		total += n
	}
	return counts, total, nil
}

// csvHeader reads a CSV file's header row.
func csvHeader(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h, err := csv.NewReader(f).Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return h, nil
}

// machineInfo describes the host.
type machineInfo struct {
	CPU    string
	Cores  int
	MemGiB float64
	OS     string
	Go     string
}

func machine() machineInfo {
	m := machineInfo{Cores: runtime.NumCPU(), OS: runtime.GOOS + "/" + runtime.GOARCH, Go: runtime.Version(), CPU: "unknown"}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
				kib, _ := strconv.ParseFloat(f[1], 64)
				m.MemGiB = kib / (1 << 20)
			}
		}
	}
	return m
}

// gitCommit is the short HEAD commit, "+dirty" when the tree has changes
// other than to BENCHMARKS.md, which the suite itself rewrites section by
// section.
func gitCommit(ctx context.Context, repo string) string {
	out, err := command(ctx, repo, "git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	commit := strings.TrimSpace(string(out))
	if st, err := command(ctx, repo, "git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)BENCHMARKS.md").Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
		commit += "+dirty"
	}
	return commit
}
