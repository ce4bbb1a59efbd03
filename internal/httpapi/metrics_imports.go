package httpapi

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/oneroster/oneroster/internal/store"
)

// importCollector describes the newest import of each outcome (imported,
// rejected, cancelled) from the store's import history, read at each
// scrape. Imports run in processes of their own (oneroster import), so no
// serve process counts them as they happen; the history, in the database,
// is what every serve process sees alike. A scrape reads the newest
// importsScanned entries: an alert on "no import for a day" needs the
// newest, not the count.
type importCollector struct {
	st                   store.Store
	log                  *slog.Logger
	finished, took, rows *prometheus.Desc
}

// importsScanned bounds the history a scrape reads (each entry holds its
// report, up to a few hundred problems).
const importsScanned = 20

func newImportCollector(st store.Store, log *slog.Logger) *importCollector {
	labels := []string{"outcome"}
	return &importCollector{st: st, log: log,
		finished: prometheus.NewDesc("oneroster_import_last_finished_timestamp_seconds",
			"When the newest import of each outcome (imported, rejected, cancelled) finished, in Unix seconds.", labels, nil),
		took: prometheus.NewDesc("oneroster_import_last_duration_seconds",
			"How long the newest import of each outcome took.", labels, nil),
		rows: prometheus.NewDesc("oneroster_import_last_rows",
			"The rows of the CSV files the newest import of each outcome read.", labels, nil),
	}
}

func (c *importCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.finished
	ch <- c.took
	ch <- c.rows
}

func (c *importCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	recs, err := c.st.Imports(ctx, importsScanned)
	if err != nil {
		// The other metrics still count: leave these out of this scrape.
		c.log.Warn("metrics: the import history cannot be read", slog.Any("err", err))
		return
	}
	seen := map[string]bool{}
	for _, r := range recs { // newest first
		if seen[r.Outcome] || r.FinishedAt.IsZero() {
			continue
		}
		seen[r.Outcome] = true
		ch <- prometheus.MustNewConstMetric(c.finished, prometheus.GaugeValue, float64(r.FinishedAt.UnixMilli())/1000, r.Outcome)
		ch <- prometheus.MustNewConstMetric(c.took, prometheus.GaugeValue, r.FinishedAt.Sub(r.StartedAt).Seconds(), r.Outcome)
		var rep struct{ Files []struct{ Rows int } }
		if json.Unmarshal([]byte(r.Report), &rep) == nil {
			n := 0
			for _, f := range rep.Files {
				n += f.Rows
			}
			ch <- prometheus.MustNewConstMetric(c.rows, prometheus.GaugeValue, float64(n), r.Outcome)
		}
	}
}
