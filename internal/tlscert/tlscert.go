// Package tlscert serves a TLS certificate from a certificate file and a
// key file, and reads them again when they change, so that a renewed
// certificate (certbot, cert-manager, a secret mounted in a container)
// is served without a restart.
package tlscert

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"
)

// Reloader holds the certificate of a pair of files. Use its
// GetCertificate as tls.Config.GetCertificate.
type Reloader struct {
	certFile, keyFile string
	every             time.Duration
	log               *slog.Logger
	now               func() time.Time

	mu      sync.Mutex
	cert    *tls.Certificate
	stamp   [2]os.FileInfo // the files as the last attempt to load them found them
	checked time.Time
}

// Load reads the pair, which must be valid: serve should not start
// without a certificate. Afterwards the files are looked at (two stats)
// at most once every interval, on a TLS handshake; when either changed,
// the pair is loaded again. A new pair that does not load (a key for
// another certificate, a file half written) is reported on log and the
// previous certificate kept; it is tried again when the files change
// again.
func Load(certFile, keyFile string, every time.Duration, log *slog.Logger) (*Reloader, error) {
	r := &Reloader{certFile: certFile, keyFile: keyFile, every: every, log: log, now: time.Now}
	stamp, err := r.stat()
	if err != nil {
		return nil, err
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, err
	}
	r.cert, r.stamp, r.checked = &cert, stamp, r.now()
	return r, nil
}

// GetCertificate returns the current certificate, loading the files
// again first when they have changed (see Load).
func (r *Reloader) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if now := r.now(); now.Sub(r.checked) >= r.every {
		r.checked = now
		r.reload()
	}
	return r.cert, nil
}

func (r *Reloader) reload() {
	stamp, err := r.stat()
	if err != nil {
		r.log.Warn("TLS certificate files unreadable; serving the previous certificate", slog.Any("err", err))
		return
	}
	if same(stamp[0], r.stamp[0]) && same(stamp[1], r.stamp[1]) {
		return
	}
	r.stamp = stamp
	cert, err := tls.LoadX509KeyPair(r.certFile, r.keyFile)
	if err != nil {
		r.log.Warn("TLS certificate files changed but do not load; serving the previous certificate until they change again",
			slog.String("cert", r.certFile), slog.String("key", r.keyFile), slog.Any("err", err))
		return
	}
	r.cert = &cert
	attrs := []any{slog.String("cert", r.certFile)}
	if cert.Leaf != nil {
		attrs = append(attrs, slog.Time("not_after", cert.Leaf.NotAfter))
	}
	r.log.Info("TLS certificate reloaded", attrs...)
}

func (r *Reloader) stat() ([2]os.FileInfo, error) {
	var stamp [2]os.FileInfo
	for i, name := range []string{r.certFile, r.keyFile} {
		fi, err := os.Stat(name)
		if err != nil {
			return stamp, fmt.Errorf("TLS certificate: %w", err)
		}
		stamp[i] = fi
	}
	return stamp, nil
}

// same reports whether a file is unchanged: the same file (a renewal
// often swaps a symbolic link or renames a new file into place), with
// the same size and modification time (one rewritten in place).
func same(a, b os.FileInfo) bool {
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}
