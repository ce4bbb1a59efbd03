package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
)

// report is one run of the suite, written as a section of BENCHMARKS.md.
type report struct {
	Size        string
	Students    int
	Rows        int
	Counts      map[string]int
	Command     string
	Date        time.Time
	Machine     machineInfo
	Commit      string
	Duration    time.Duration
	MaxRequests int
	Conns       int
	Engines     []engineResult
}

const fileHeader = `# Benchmarks

Figures written by the benchmark suite (` + "`go run ./bench`" + `, see
[bench/README.md](bench/README.md)). Each run replaces its own section (one
per size and engine set); every figure stands beside its ceiling measured in
the same run on the same machine. Benchmarks are not timed tests: numbers
from different machines are not comparable.
`

func (r report) key() string {
	var names []string
	for _, e := range r.Engines {
		names = append(names, e.Name)
	}
	return fmt.Sprintf("size=%s db=%s", r.Size, strings.Join(names, ","))
}

func (r report) markdown() string {
	var b strings.Builder
	m := r.Machine
	fmt.Fprintf(&b, "<!-- bench:%s -->\n", r.key())
	fmt.Fprintf(&b, "## %d students (-size %s), %s\n\n", r.Students, r.Size, r.Date.Format("2006-01-02"))
	fmt.Fprintf(&b, "- **machine**: %s, %d cores, %.1f GiB memory, %s, %s\n", m.CPU, m.Cores, m.MemGiB, m.OS, m.Go)
	fmt.Fprintf(&b, "- **date**: %s\n", r.Date.Format(time.RFC3339))
	fmt.Fprintf(&b, "- **commit**: %s\n", r.Commit)
	fmt.Fprintf(&b, "- **command**: `%s`\n", r.Command)
	fmt.Fprintf(&b, "- **workload**: `oneroster generate --students %d --seed 1`: %d data rows (%s)\n",
		r.Students, r.Rows, r.countsLine())
	fmt.Fprintf(&b, "- **load**: %d connections over loopback, each scenario bounded by %s and %d requests, after an untimed warm-up of one request per connection; the load generator, the server and the database share the machine\n\n",
		r.Conns, r.Duration, r.MaxRequests)
	for _, e := range r.Engines {
		fmt.Fprintf(&b, "### %s\n\n", e.Name)
		if e.Info != "" {
			fmt.Fprintf(&b, "%s\n\n", e.Info)
		}
		if e.Err != nil {
			fmt.Fprintf(&b, "**The run failed**: `%s`\n\n", strings.ReplaceAll(firstLine(e.Err.Error()), "`", "'"))
		}
		b.WriteString("| metric | value | ceiling | share of ceiling | target | |\n|---|---|---|---|---|---|\n")
		for _, x := range e.Rows {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", cell(x.Metric), cell(x.Value), cell(x.Ceiling), cell(x.Share), cell(x.Target), x.Verdict)
		}
		if len(e.Notes) > 0 {
			b.WriteString("\n")
			for _, n := range e.Notes {
				fmt.Fprintf(&b, "- %s\n", cell(n))
			}
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "<!-- /bench:%s -->\n", r.key())
	return b.String()
}

func (r report) countsLine() string {
	var names []string
	for k := range r.Counts {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool { return r.Counts[names[i]] > r.Counts[names[j]] })
	var parts []string
	for i, k := range names {
		if i == 5 {
			break
		}
		parts = append(parts, fmt.Sprintf("%s %d", strings.TrimSuffix(k, ".csv"), r.Counts[k]))
	}
	return strings.Join(parts, ", ") + ", …"
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// cell escapes what would break a markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

// writeReport replaces the run's section of the file, or appends it.
func writeReport(path string, r report) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	doc := string(old)
	if strings.TrimSpace(doc) == "" {
		doc = fileHeader
	}
	section := r.markdown()
	begin, end := fmt.Sprintf("<!-- bench:%s -->", r.key()), fmt.Sprintf("<!-- /bench:%s -->\n", r.key())
	if i := strings.Index(doc, begin); i >= 0 {
		if j := strings.Index(doc[i:], end); j >= 0 {
			doc = doc[:i] + section + doc[i+j+len(end):]
			return os.WriteFile(path, []byte(doc), 0o644)
		}
	}
	if !strings.HasSuffix(doc, "\n\n") {
		doc = strings.TrimRight(doc, "\n") + "\n\n"
	}
	return os.WriteFile(path, []byte(doc+section), 0o644)
}
