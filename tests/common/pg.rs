//! A throwaway PostgreSQL server for the tests and the store benchmark: Debian's `postgresql`
//! binaries (`/usr/lib/postgresql/<version>/bin`, the newest found; or `NETRAL_TEST_PG_BIN`),
//! `initdb` into a temporary folder, a free port on 127.0.0.1, password authentication over
//! TCP, stopped (fast shutdown) when dropped.
//!
//! `initdb` and `postgres` refuse to run as root, and CI runs as root: then the folder is
//! given to the unprivileged `postgres` user (created by the Debian package) and the server
//! runs as that user.

use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The superuser the tests connect as.
pub const USER: &str = "netral";
/// Its password: long enough to be registered as a secret, so tests can look for it in logs.
pub const PASSWORD: &str = "pg-hunter2-secret";

/// A running throwaway server.
pub struct PgServer {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    /// The unprivileged user the server runs as, when the tests run as root.
    run_as: Option<(u32, u32)>,
    child: Option<Child>,
}

/// The newest `…/bin` holding both `initdb` and `postgres`, or None.
pub fn server_binaries() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("NETRAL_TEST_PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let version: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            (bin.join("initdb").exists() && bin.join("postgres").exists()).then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

/// The uid and gid of a user, from `/etc/passwd`.
fn user_ids(name: &str) -> Option<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let f: Vec<&str> = line.split(':').collect();
        (f.first() == Some(&name) && f.len() > 3)
            .then(|| Some((f[2].parse().ok()?, f[3].parse().ok()?)))
            .flatten()
    })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

impl PgServer {
    /// Starts a new server, or prints why not and returns None when no PostgreSQL server
    /// binary is installed (the only reason a test may skip).
    pub fn start() -> Option<PgServer> {
        let Some(bin) = server_binaries() else {
            eprintln!(
                "SKIPPED: no PostgreSQL server binary (looked for /usr/lib/postgresql/*/bin/postgres; \
                 `apt-get install postgresql`, or set NETRAL_TEST_PG_BIN)"
            );
            return None;
        };
        let dir = tempfile::Builder::new()
            .prefix("netral-pg-")
            .tempdir_in(std::env::temp_dir())
            .expect("a temporary folder");
        let root = std::fs::metadata(dir.path()).expect("its metadata").uid() == 0;
        let run_as = root.then(|| {
            user_ids("postgres").expect(
                "running as root needs the `postgres` user (Debian's postgresql package creates it)",
            )
        });
        if let Some((uid, gid)) = run_as {
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid)).expect("chown");
        }
        let pwfile = dir.path().join("pw");
        std::fs::write(&pwfile, PASSWORD).expect("password file");
        if let Some((uid, gid)) = run_as {
            std::os::unix::fs::chown(&pwfile, Some(uid), Some(gid)).expect("chown");
        }
        let mut server = PgServer {
            bin,
            port: 0,
            run_as,
            child: None,
            dir,
        };
        let out = server
            .command("initdb")
            .arg("-D")
            .arg(server.data())
            .args([
                "-U",
                USER,
                "--auth-host=scram-sha-256",
                "--auth-local=trust",
            ])
            .args(["-E", "UTF8", "--locale=C", "--no-sync"])
            .arg(format!("--pwfile={}", pwfile.display()))
            .output()
            .expect("initdb runs");
        assert!(
            out.status.success(),
            "initdb failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        // Another process may take the port between choosing and binding it: try a few.
        for attempt in 0.. {
            server.port = free_port();
            match server.run() {
                Ok(()) => break,
                Err(log) if attempt < 3 => eprintln!("PostgreSQL did not start, again: {log}"),
                Err(log) => panic!("PostgreSQL did not start: {log}"),
            }
        }
        let mut admin = server.client("postgres");
        admin
            .batch_execute("CREATE DATABASE netral")
            .expect("CREATE DATABASE netral");
        Some(server)
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("server.log")
    }

    fn command(&self, program: &str) -> Command {
        let mut c = Command::new(self.bin.join(program));
        if let Some((uid, gid)) = self.run_as {
            c.uid(uid).gid(gid);
        }
        c.current_dir(self.dir.path()).env_remove("PGDATA");
        c
    }

    /// Starts the server process and waits until it answers; the log on failure.
    fn run(&mut self) -> Result<(), String> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log())
            .expect("server log");
        if let Some((uid, gid)) = self.run_as {
            let _ = std::os::unix::fs::chown(self.log(), Some(uid), Some(gid));
        }
        let child = self
            .command("postgres")
            .arg("-D")
            .arg(self.data())
            .args([
                "-p",
                &self.port.to_string(),
                "-c",
                "listen_addresses=127.0.0.1",
            ])
            .arg("-k")
            .arg(self.dir.path())
            .args(["-c", "fsync=off", "-c", "full_page_writes=off"])
            .args(["-c", "shared_buffers=16MB", "-c", "max_connections=40"])
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("postgres starts");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if postgres::Client::connect(&self.url_for("postgres"), postgres::NoTls).is_ok() {
                return Ok(());
            }
            let exited = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten());
            if exited.is_some() || Instant::now() > deadline {
                self.stop();
                return Err(std::fs::read_to_string(self.log()).unwrap_or_default());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `postgres://netral:…@127.0.0.1:PORT/netral`.
    pub fn url(&self) -> String {
        self.url_for("netral")
    }

    /// The URL of another database on this server.
    pub fn url_for(&self, database: &str) -> String {
        format!(
            "postgres://{USER}:{PASSWORD}@127.0.0.1:{}/{database}",
            self.port
        )
    }

    /// A client on `database`, as the superuser.
    pub fn client(&self, database: &str) -> postgres::Client {
        postgres::Client::connect(&self.url_for(database), postgres::NoTls)
            .expect("the test server accepts connections")
    }

    /// A new, empty database; its URL.
    pub fn create_database(&self, name: &str) -> String {
        self.client("postgres")
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("CREATE DATABASE");
        self.url_for(name)
    }

    /// Stops the server (fast shutdown: connections are closed, nothing committed is lost).
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let _ = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(15);
        while child.try_wait().ok().flatten().is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.wait();
    }

    /// Starts the stopped server again, on the same port.
    pub fn start_again(&mut self) {
        if let Err(log) = self.run() {
            panic!("PostgreSQL did not start again: {log}");
        }
    }

    /// The server's log so far.
    pub fn server_log(&self) -> String {
        std::fs::read_to_string(self.log()).unwrap_or_default()
    }

    /// The folder the server keeps its files in.
    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        self.stop();
    }
}
