package sqlstore

import "database/sql"

// Pools returns the store's connection pools by name, for their figures
// (the server's metrics): "read" and "write" on SQLite, which writes
// through a pool of one connection of its own, and "oneroster", the one
// pool, on PostgreSQL; on SQLite "auth_read" and "auth_write" too, the
// tokens' file. Callers must only read their statistics.
func (db *DB) Pools() map[string]*sql.DB {
	if db.r == db.w {
		return map[string]*sql.DB{"oneroster": db.r}
	}
	pools := map[string]*sql.DB{"read": db.r, "write": db.w}
	if db.ar != db.r {
		pools["auth_read"], pools["auth_write"] = db.ar, db.aw
	}
	return pools
}
