//! The real `auth-return` binary as a child process, its logs in a file, for the HTTPS tests.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_auth-return");

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs a short command of the binary on `dir`: (exit code, stdout, stderr).
pub fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .args(["--data-dir", dir.to_str().unwrap()])
        .env_remove("AUTH_RETURN_MASTER_KEY")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A running `auth-return serve`, killed when dropped.
pub struct Server {
    child: Child,
    log: PathBuf,
}

impl Server {
    /// Starts `serve` on `dir` listening on `listen` with `extra` flags, and waits until it says
    /// it listens (JSON logs in `<dir>/server.log`).
    pub fn start(dir: &Path, listen: &str, extra: &[&str]) -> Self {
        Self::start_with_env(dir, listen, extra, &[])
    }

    /// As [`Server::start`], with `env` set for the child. Its logs go to `<dir>/server.log`,
    /// or, when `dir` does not exist yet (the server is to create it), beside it.
    pub fn start_with_env(dir: &Path, listen: &str, extra: &[&str], env: &[(&str, &str)]) -> Self {
        let log = if dir.exists() {
            dir.join("server.log")
        } else {
            dir.with_extension("log")
        };
        let file = std::fs::File::create(&log).unwrap();
        let child = Command::new(BIN)
            .args([
                "serve",
                "--data-dir",
                dir.to_str().unwrap(),
                "--listen",
                listen,
            ])
            .args(["--log-format", "json"])
            .args(extra)
            .env_remove("AUTH_RETURN_MASTER_KEY")
            .env_remove("AUTH_RETURN_LOG")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::from(file))
            .spawn()
            .unwrap();
        let mut server = Self { child, log };
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if server.log().contains("auth-return listening") {
                return server;
            }
            if let Some(status) = server.child.try_wait().unwrap() {
                panic!("server exited with {status}: {}", server.log());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("server did not start: {}", server.log());
    }

    /// Everything the server logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends a signal (`HUP`, `TERM`) to the server.
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -{name}");
    }

    /// Waits up to `limit` for the server to exit.
    pub fn wait_exit(&mut self, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "server still running: {}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
