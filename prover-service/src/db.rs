//! The database behind the broker: SQLite (embedded, the default) or PostgreSQL (when agents
//! span machines), through sqlx's runtime-generic driver, with the schema versioned by the
//! migrations in `prover-service/migrations/` (the same SQL runs on both).
//!
//! SQLite serves one connection at a time (it has one writer anyway), in WAL mode with
//! `synchronous = NORMAL`; PostgreSQL gets a pool and leases jobs with `FOR UPDATE SKIP LOCKED`.

use std::borrow::Cow;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, Executor};

use crate::{Error, Result};

/// The SQL dialect in use, for the few statements that differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite 3.35+ (RETURNING).
    Sqlite,
    /// PostgreSQL 12+.
    Postgres,
}

/// A connection pool and its dialect.
#[derive(Clone, Debug)]
pub struct Db {
    /// The pool.
    pub pool: AnyPool,
    /// Its dialect.
    pub dialect: Dialect,
}

/// The schema's migrations, in order.
fn migrator() -> Migrator {
    Migrator::with_migrations(vec![Migration::new(
        1,
        Cow::Borrowed("broker"),
        MigrationType::Simple,
        sqlx::SqlStr::from_static(include_str!("../migrations/0001_broker.sql")),
        false,
    )])
}

impl Db {
    /// Opens `url` (`sqlite://FILE`, created if missing, or `postgres://…`) and brings its
    /// schema up to date.
    pub async fn open(url: &str) -> Result<Self> {
        install_default_drivers();
        let (dialect, url) = if let Some(rest) = url.strip_prefix("sqlite://") {
            let url = if rest.contains('?') {
                url.to_string()
            } else {
                format!("{url}?mode=rwc")
            };
            (Dialect::Sqlite, url)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Dialect::Postgres, url.to_string())
        } else {
            return Err(Error::BadRequest(format!(
                "database URL {url:?}: expected sqlite://FILE or postgres://…"
            )));
        };
        let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(30));
        let pool = match dialect {
            Dialect::Sqlite => {
                options
                    .max_connections(1)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                                 PRAGMA busy_timeout = 10000;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await?
            }
            Dialect::Postgres => options.max_connections(16).connect(&url).await?,
        };
        migrator().run(&pool).await?;
        Ok(Self { pool, dialect })
    }

    /// ` FOR UPDATE SKIP LOCKED` where the dialect has row locks, nothing on SQLite (whose
    /// single writer serializes leases).
    pub fn skip_locked(&self) -> &'static str {
        match self.dialect {
            Dialect::Sqlite => "",
            Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// `$first, $first+1, …` for `n` bind parameters.
pub fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}
