//! Where a table is: a `postgresql://` URL naming it (`?table=acled`), and
//! the rest of what a connection needs found where libpq finds it: a
//! service file (`?service=` or `PGSERVICE`), the `PG…` variables
//! (`PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE`, `PGSSLMODE`,
//! `PGCONNECT_TIMEOUT`), the password from `PGPASSWORD` or `~/.pgpass`.
//! A password is never part of what the app shows or remembers.

use std::collections::HashMap;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use postgres::Config;
use postgres::config::{Host, SslMode};

/// Whether `s` names a table on a server rather than a file.
pub fn is_url(s: &str) -> bool {
    let s = s.trim_start();
    s.starts_with("postgresql://") || s.starts_with("postgres://")
}

/// A table on a server, and how to reach it.
#[derive(Clone)]
pub struct Target {
    pub config: Config,
    /// The table or view, maybe with its schema (`public.acled`).
    pub table: String,
    /// The URL as shown and remembered: no password in it.
    pub shown: String,
    /// `live=on`: asked per view whatever its size; `live=off`: read
    /// whole whatever its size; unsaid: by its size.
    pub live: Option<bool>,
    /// How long one statement may run on the server (`statement_timeout=S`
    /// in the URL, in seconds; 0 for no limit); unsaid, reads stop at
    /// [`STATEMENT_TIMEOUT`], the live view's questions sooner, and writes
    /// (`push` builds indexes on millions of rows) are not stopped.
    pub statement_timeout: Option<Duration>,
    /// How long a statement may wait for a lock another session holds
    /// (`lock_timeout=S`).
    pub lock_timeout: Duration,
    /// Only the rows that may hold the words of this search are read,
    /// where the table can tell (it keeps its words folded, see
    /// [`super::sql::may_hold`]); whoever reads them searches them as
    /// ever. Set by `convert --search`, never by the URL.
    pub holding: Option<String>,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Target({})", self.shown)
    }
}

/// The process's environment and home, as the lookup reads them (the
/// tests give their own).
#[derive(Debug, Default, Clone)]
pub struct Env {
    pub vars: HashMap<String, String>,
    pub home: Option<PathBuf>,
}

impl Env {
    pub fn of_process() -> Env {
        Env {
            vars: std::env::vars()
                .filter(|(k, _)| k.starts_with("PG") || k == "USER" || k == "LOGNAME")
                .collect(),
            home: std::env::var_os("HOME").map(PathBuf::from),
        }
    }

    fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// The passwords this process has been given (in a URL, however badly
/// formed, or found in the environment, a service or a password file).
/// URLs are shown without them; [`hide_secrets`] is the last guard behind
/// that, for whatever is printed or shown (a server's message, an error
/// that quotes what it was given).
static SECRETS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// Whether [`SECRETS`] holds any: most runs are given none, and every
/// line printed then passes without taking the lock.
static ANY_SECRET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Shorter passwords are not hidden in text: "***" for every "ab" would
/// garble more than it hides.
const SECRET_MIN_CHARS: usize = 4;

fn remember_secret(secret: &str) {
    if secret.chars().count() < SECRET_MIN_CHARS {
        return;
    }
    let mut secrets = SECRETS.lock().unwrap_or_else(|e| e.into_inner());
    if !secrets.iter().any(|s| s == secret) {
        secrets.push(secret.to_string());
        ANY_SECRET.store(true, std::sync::atomic::Ordering::Release);
        // The longest first, so a password holding another is hidden whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }
}

/// The passwords a URL's text holds, as written and decoded: its
/// user-info's (to the last `@`) and a `password=` parameter's.
pub fn remember_secrets_of(url: &str) {
    if !url.contains("://") {
        return;
    }
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    if let Some((_, rest)) = base.split_once("://")
        && let Some(at) = rest.rfind('@')
        && let Some((_, password)) = rest[..at].split_once(':')
    {
        remember_secret(password);
        remember_secret(&percent_decode(password));
    }
    for pair in query.split('&') {
        if let Some((k, v)) = pair.split_once('=')
            && k.eq_ignore_ascii_case("password")
        {
            remember_secret(v);
            remember_secret(&percent_decode(v));
        }
    }
}

/// `text` with every password this process has been given replaced by
/// `***`.
pub fn hide_secrets(text: &str) -> std::borrow::Cow<'_, str> {
    if !ANY_SECRET.load(std::sync::atomic::Ordering::Acquire) {
        return std::borrow::Cow::Borrowed(text);
    }
    let secrets = SECRETS.lock().unwrap_or_else(|e| e.into_inner());
    let mut out = std::borrow::Cow::Borrowed(text);
    for s in secrets.iter() {
        if out.contains(s.as_str()) {
            out = std::borrow::Cow::Owned(out.replace(s.as_str(), "***"));
        }
    }
    out
}

/// How long a statement may run, unless the URL says otherwise: a whole
/// table of ten million rows is read in less.
pub const STATEMENT_TIMEOUT: Duration = Duration::from_secs(120);

/// How long a statement may wait for a lock, unless the URL says otherwise.
const LOCK_TIMEOUT: Duration = Duration::from_secs(10);

/// `key=S` of the URL, in whole seconds.
fn seconds(key: &str, v: &str) -> Result<Duration, String> {
    v.trim()
        .parse::<u64>()
        .map(Duration::from_secs)
        .map_err(|_| {
            format!("{key}={v}: give a whole number of seconds (0 for no limit), e.g. {key}=60")
        })
}

/// How long a connection may take to be made.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

impl Target {
    /// Reads `url` with the process's environment.
    pub fn parse(url: &str) -> Result<Target, String> {
        Self::parse_with(url, &Env::of_process())
    }

    pub fn parse_with(url: &str, env: &Env) -> Result<Target, String> {
        let url = url.trim();
        if !is_url(url) {
            return Err(format!("\"{url}\" is not a postgresql:// URL"));
        }
        remember_secrets_of(url);
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut table = None;
        let mut live = None;
        let mut statement_timeout = None;
        let mut lock_timeout = LOCK_TIMEOUT;
        let mut service = env.var("PGSERVICE").map(str::to_string);
        let mut rest = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = percent_decode(v);
            match k {
                "table" => table = Some(v),
                "service" => service = Some(v),
                "statement_timeout" => statement_timeout = Some(seconds(k, &v)?),
                "lock_timeout" => lock_timeout = seconds(k, &v)?,
                "live" => {
                    live = Some(match v.as_str() {
                        "on" | "yes" | "true" | "1" => true,
                        "off" | "no" | "false" | "0" => false,
                        _ => {
                            return Err(format!(
                                "live={v}: say live=on (ask the server per view) or live=off (read the table whole)"
                            ));
                        }
                    })
                }
                _ => rest.push(pair.to_string()),
            }
        }
        let table = table
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| {
                "the URL names no table: add ?table=NAME (a table or view, e.g. ?table=acled or ?table=public.acled)".to_string()
            })?;
        let base = encode_userinfo(base);
        let for_config = if rest.is_empty() {
            base
        } else {
            format!("{base}?{}", rest.join("&"))
        };
        let mut config = Config::from_str(&for_config).map_err(|e| not_read(&e))?;
        // Then the service file's settings, then the environment's, for
        // what the URL leaves unsaid (libpq's order).
        let service = match &service {
            Some(name) => Some(service_entries(name, env)?),
            None => None,
        };
        let from = |key: &str, var: &str| -> Option<String> {
            service
                .as_ref()
                .and_then(|s| s.get(key).cloned())
                .or_else(|| env.var(var).map(str::to_string))
        };
        if config.get_hosts().is_empty() {
            match from("host", "PGHOST") {
                Some(h) => {
                    config.host(&h);
                }
                None => {
                    let socket = std::path::Path::new("/var/run/postgresql");
                    if socket.is_dir() {
                        config.host_path(socket);
                    } else {
                        config.host("localhost");
                    }
                }
            }
        }
        if config.get_ports().is_empty()
            && let Some(p) = from("port", "PGPORT")
        {
            config.port(p.parse().map_err(|_| format!("\"{p}\" is not a port"))?);
        }
        if config.get_user().is_none() {
            let user = from("user", "PGUSER")
                .or_else(|| env.var("USER").map(str::to_string))
                .or_else(|| env.var("LOGNAME").map(str::to_string))
                .ok_or(
                    "no user name: give one in the URL (postgresql://NAME@host/…) or in PGUSER",
                )?;
            config.user(&user);
        }
        if config.get_dbname().is_none()
            && let Some(db) = from("dbname", "PGDATABASE")
        {
            config.dbname(&db);
        }
        if !query.contains("sslmode=")
            && let Some(mode) = from("sslmode", "PGSSLMODE")
        {
            config.ssl_mode(match mode.as_str() {
                "disable" | "allow" => SslMode::Disable,
                "prefer" => SslMode::Prefer,
                _ => SslMode::Require,
            });
        }
        if config.get_connect_timeout().is_none() {
            let secs = from("connect_timeout", "PGCONNECT_TIMEOUT").and_then(|s| s.parse().ok());
            config.connect_timeout(secs.map_or(CONNECT_TIMEOUT, Duration::from_secs));
        }
        if config.get_application_name().is_none() {
            config.application_name("incident-map");
        }
        let mut shown = shown(&config, &table);
        if let Some(l) = live {
            shown.push_str(if l { "&live=on" } else { "&live=off" });
        }
        if let Some(limit) = statement_timeout {
            shown.push_str(&format!("&statement_timeout={}", limit.as_secs()));
        }
        if lock_timeout != LOCK_TIMEOUT {
            shown.push_str(&format!("&lock_timeout={}", lock_timeout.as_secs()));
        }
        if config.get_password().is_none() {
            let password = service
                .as_ref()
                .and_then(|s| s.get("password").cloned())
                .or_else(|| env.var("PGPASSWORD").map(str::to_string))
                .or_else(|| pgpass(&config, env));
            if let Some(p) = password {
                remember_secret(&p);
                config.password(p);
            }
        }
        Ok(Target {
            config,
            table,
            shown,
            live,
            statement_timeout,
            lock_timeout,
            holding: None,
        })
    }

    /// The host and port, for messages.
    pub fn server(&self) -> String {
        let host = match self.config.get_hosts().first() {
            Some(Host::Tcp(h)) => h.clone(),
            Some(Host::Unix(p)) => p.display().to_string(),
            None => "localhost".into(),
        };
        format!("{host}:{}", self.port())
    }

    fn port(&self) -> u16 {
        self.config.get_ports().first().copied().unwrap_or(5432)
    }
}

/// Why a URL's settings do not read, from the parser's cause (which names
/// an option, never its value), with what to write instead.
fn not_read(e: &postgres::Error) -> String {
    let cause = std::error::Error::source(e).map(|c| c.to_string());
    let Some(cause) = cause else {
        return format!("the URL does not read ({e})");
    };
    let option = cause.split('`').nth(1).unwrap_or_default();
    let fix = match option {
        "port" => "a port is a number from 1 to 65535 (postgresql://USER@HOST:5432/DB?table=NAME)",
        "sslmode" => "sslmode is one of disable, prefer or require",
        "connect_timeout" => "connect_timeout is a whole number of seconds",
        "host" => "write the host as a name or an address after the last @",
        _ if cause.starts_with("unknown option") => {
            "this app reads table, live, service, statement_timeout, lock_timeout and libpq's connection settings (sslmode, connect_timeout, application_name, options…)"
        }
        _ => "write the URL as postgresql://USER@HOST[:PORT]/DB?table=NAME",
    };
    hide_secrets(&format!("the URL does not read: {cause}; {fix}")).into_owned()
}

/// The URL of `config` and `table` with no password.
fn shown(config: &Config, table: &str) -> String {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        Some(Host::Unix(p)) => percent_encode(&p.display().to_string()),
        None => String::new(),
    };
    let port = config
        .get_ports()
        .first()
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    let user = config
        .get_user()
        .map(|u| format!("{}@", percent_encode(u)))
        .unwrap_or_default();
    let db = config.get_dbname().map(percent_encode).unwrap_or_default();
    format!(
        "postgresql://{user}{host}{port}/{db}?table={}",
        percent_encode(table)
    )
}

/// The settings of service `name` in `PGSERVICEFILE` (or `~/.pg_service.conf`),
/// then in `PGSYSCONFDIR/pg_service.conf`.
fn service_entries(name: &str, env: &Env) -> Result<HashMap<String, String>, String> {
    let mut files = Vec::new();
    match env.var("PGSERVICEFILE") {
        Some(f) => files.push(PathBuf::from(f)),
        None => files.extend(env.home.as_ref().map(|h| h.join(".pg_service.conf"))),
    }
    files.push(
        PathBuf::from(env.var("PGSYSCONFDIR").unwrap_or("/etc/postgresql-common"))
            .join("pg_service.conf"),
    );
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        let mut current = false;
        let mut found = None::<HashMap<String, String>>;
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                if current {
                    break;
                }
                current = section.trim() == name;
                if current {
                    found = Some(HashMap::new());
                }
            } else if current
                && let Some((k, v)) = line.split_once('=')
                && let Some(f) = found.as_mut()
            {
                f.insert(k.trim().to_string(), v.trim().to_string());
            }
        }
        if let Some(f) = found {
            return Ok(f);
        }
    }
    Err(format!(
        "no service \"{name}\" in {}",
        files
            .iter()
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>()
            .join(" or ")
    ))
}

/// The password for `config` in `PGPASSFILE` or `~/.pgpass`: the first
/// line `host:port:database:user:password` that matches (`*` matches
/// anything; `\:` and `\\` are a colon and a backslash). As libpq does, a
/// file others may read is not used.
fn pgpass(config: &Config, env: &Env) -> Option<String> {
    let file = match env.var("PGPASSFILE") {
        Some(f) => PathBuf::from(f),
        None => env.home.as_ref()?.join(".pgpass"),
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if std::fs::metadata(&file).ok()?.permissions().mode() & 0o077 != 0 {
            return None;
        }
    }
    let text = std::fs::read_to_string(&file).ok()?;
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        // A socket is "localhost" to libpq's password file.
        _ => "localhost".into(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let user = config.get_user().unwrap_or_default();
    let db = config.get_dbname().unwrap_or(user);
    let wanted = [host.as_str(), port.as_str(), db, user];
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .find_map(|line| {
            let fields = pgpass_fields(line);
            if fields.len() != 5 {
                return None;
            }
            let matches = fields[..4]
                .iter()
                .zip(wanted)
                .all(|(f, w)| f == "*" || f == w);
            matches.then(|| fields[4].clone())
        })
}

fn pgpass_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    fields.last_mut().expect("one").push(n);
                }
            }
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => fields.last_mut().expect("one").push(c),
        }
    }
    fields
}

/// `scheme://user:password@host/db` with what its user-info holds that a
/// URL may not (an `@`, a `/`, a `?`, a `#` in a password) percent-encoded:
/// the user-info ends at the authority's last `@`, so a password with an
/// `@` never becomes a host name (nor shows in one).
fn encode_userinfo(base: &str) -> String {
    let Some((scheme, rest)) = base.split_once("://") else {
        return base.to_string();
    };
    let Some(at) = rest.rfind('@') else {
        return base.to_string();
    };
    let (info, host) = (&rest[..at], &rest[at..]);
    let mut out = format!("{scheme}://");
    for c in info.chars() {
        match c {
            '@' | '/' | '?' | '#' | ' ' => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push_str(host);
    out
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) =
                u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16)
        {
            out.push(v);
            i += 3;
        } else {
            out.push(if b[i] == b'+' { b' ' } else { b[i] });
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)], home: Option<&std::path::Path>) -> Env {
        Env {
            vars: vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            home: home.map(PathBuf::from),
        }
    }

    #[test]
    fn a_url_names_its_table_and_shows_no_password() {
        let e = env(&[("USER", "me")], None);
        let t = Target::parse_with(
            "postgresql://analyst:s3cret@db.example:6543/incidents?table=acled&sslmode=require",
            &e,
        )
        .unwrap();
        assert_eq!(t.table, "acled");
        assert_eq!(t.config.get_user(), Some("analyst"));
        assert_eq!(t.config.get_password(), Some(&b"s3cret"[..]));
        assert_eq!(t.config.get_dbname(), Some("incidents"));
        assert_eq!(t.config.get_ports(), [6543]);
        assert_eq!(t.config.get_ssl_mode(), SslMode::Require);
        assert_eq!(
            t.shown,
            "postgresql://analyst@db.example:6543/incidents?table=acled"
        );
        assert!(!format!("{t:?}").contains("s3cret"));
        assert_eq!(t.server(), "db.example:6543");
        // No table: told how to name one; not a URL: said so.
        let err = Target::parse_with("postgresql://db.example/incidents", &e).unwrap_err();
        assert!(err.contains("?table=NAME"), "{err}");
        assert!(Target::parse_with("/tmp/x.csv", &e).is_err());
        assert!(Target::parse_with("postgresql://h/d?table=t&colour=red", &e).is_err());
        // Asked per view or read whole, as the URL says (and shows).
        let live = Target::parse_with("postgresql://h/d?table=t&live=on", &e).unwrap();
        assert_eq!(live.live, Some(true));
        assert!(live.shown.ends_with("?table=t&live=on"), "{}", live.shown);
        let whole = Target::parse_with("postgresql://h/d?live=off&table=t", &e).unwrap();
        assert_eq!(whole.live, Some(false));
        assert_eq!(t.live, None);
        let err = Target::parse_with("postgresql://h/d?table=t&live=maybe", &e).unwrap_err();
        assert!(err.contains("live=on"), "{err}");
        // A password with an `@` (or a `/`) written as is: the host is what
        // follows the last `@`; nothing of the password shows.
        let t =
            Target::parse_with("postgresql://analyst:s3c@ret/PW@db.example/d?table=t", &e).unwrap();
        assert_eq!(t.config.get_password(), Some(&b"s3c@ret/PW"[..]));
        assert_eq!(t.server(), "db.example:5432");
        assert!(
            !t.shown.contains("ret") && !format!("{t:?}").contains("ret/PW"),
            "{}",
            t.shown
        );
    }

    #[test]
    fn what_the_url_leaves_out_comes_from_the_environment_and_the_password_file() {
        let dir = tempfile::tempdir().unwrap();
        let pgpass = dir.path().join(".pgpass");
        std::fs::write(
            &pgpass,
            "# comment\nother:5432:*:analyst:wrong\ndb.example:*:incidents:analyst:pa\\:ss\n*:*:*:*:fallback\n",
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let e = env(
            &[
                ("PGHOST", "db.example"),
                ("PGUSER", "analyst"),
                ("PGDATABASE", "incidents"),
            ],
            Some(dir.path()),
        );
        let t = Target::parse_with("postgresql:///?table=public.acled", &e).unwrap();
        assert_eq!(t.config.get_password(), Some(&b"pa:ss"[..]));
        assert_eq!(t.table, "public.acled");
        assert_eq!(
            t.shown,
            "postgresql://analyst@db.example/incidents?table=public.acled"
        );
        // PGPASSWORD comes before the file.
        let mut e2 = e.clone();
        e2.vars.insert("PGPASSWORD".into(), "from-env".into());
        let t = Target::parse_with("postgresql:///?table=acled", &e2).unwrap();
        assert_eq!(t.config.get_password(), Some(&b"from-env"[..]));
        // A password file others can read is not used.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o644)).unwrap();
            let t = Target::parse_with("postgresql:///?table=acled", &e).unwrap();
            assert_eq!(t.config.get_password(), None);
        }
    }

    #[test]
    fn a_service_file_gives_what_the_url_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("services.conf");
        std::fs::write(
            &file,
            "[other]\nhost=wrong\n\n[team]\nhost=db.team\nport=5433\ndbname=events\nuser=reader\npassword=pw\n",
        )
        .unwrap();
        let e = env(
            &[("PGSERVICEFILE", file.to_str().unwrap()), ("USER", "me")],
            None,
        );
        let t = Target::parse_with("postgresql://?service=team&table=gdelt", &e).unwrap();
        assert_eq!(t.server(), "db.team:5433");
        assert_eq!(t.config.get_dbname(), Some("events"));
        assert_eq!(t.config.get_user(), Some("reader"));
        assert_eq!(t.config.get_password(), Some(&b"pw"[..]));
        let err = Target::parse_with("postgresql://?service=nope&table=gdelt", &e).unwrap_err();
        assert!(err.contains("no service \"nope\""), "{err}");
    }
}
