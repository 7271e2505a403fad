//! The web classroom under load, over loopback, bounded in time:
//! - 1,000 browsers following at once (event streams): time from the presenter moving to the last
//!   follower hearing it (median, p99, max over 50 moves), and the serving process's peak memory
//!   with none and with 1,000 followers;
//! - a scene page under `wrk`, side by side with nginx serving the same page saved as a file
//!   (when both are installed).
//!
//! The server runs in a process of its own (this bench, re-run with `IZUMI_BENCH_WEB` set), so
//! that its memory is its own; the presenter's move is a line on its standard input.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use izumi::web::{Web, WebConfig};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};

const SERVER: &str = "IZUMI_BENCH_WEB";
const FOLLOWERS: usize = 1000;
const MOVES: usize = 50;

fn main() {
    if std::env::var_os(SERVER).is_some() {
        return server_process();
    }
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env(SERVER, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut to_server = child.stdin.take().unwrap();
    let mut from_server = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    from_server.read_line(&mut line).unwrap();
    let address: SocketAddr = line.trim().parse().unwrap();
    let peak = |to_server: &mut std::process::ChildStdin,
                from_server: &mut BufReader<std::process::ChildStdout>| {
        writeln!(to_server, "rss").unwrap();
        let mut line = String::new();
        from_server.read_line(&mut line).unwrap();
        line.trim().to_owned()
    };
    println!(
        "web server peak RSS with no follower: {}",
        peak(&mut to_server, &mut from_server)
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    // Every follower reports each scene number it hears on one channel.
    let (heard, hearing) = std::sync::mpsc::channel::<(usize, Instant)>();
    let connected = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    for student in 0..FOLLOWERS {
        let heard = heard.clone();
        let connected = Arc::clone(&connected);
        runtime.spawn(async move {
            // Each from an address of its own, as students' machines are.
            let socket = tokio::net::TcpSocket::new_v4().unwrap();
            socket
                .bind(SocketAddr::new(common::student_address(student), 0))
                .unwrap();
            let mut stream = socket.connect(address).await.unwrap();
            stream
                .write_all(format!("GET /events HTTP/1.1\r\nHost: {address}\r\n\r\n").as_bytes())
                .await
                .unwrap();
            let mut lines = tokio::io::BufReader::new(stream).lines();
            let mut counted = false;
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(data) = line.strip_prefix("data: ") {
                    if !counted {
                        counted = true;
                        connected.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                    let scene = data
                        .split("\"scene\":")
                        .nth(1)
                        .and_then(|rest| rest.split(',').next())
                        .and_then(|n| n.parse().ok())
                        .unwrap_or(0);
                    let _ = heard.send((scene, Instant::now()));
                }
            }
        });
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while connected.load(std::sync::atomic::Ordering::Relaxed) < FOLLOWERS {
        assert!(Instant::now() < deadline, "followers did not all connect");
        std::thread::sleep(Duration::from_millis(20));
    }
    while hearing.try_recv().is_ok() {}
    println!("{FOLLOWERS} followers connected");

    let mut samples = Vec::new();
    for round in 1..=MOVES {
        std::thread::sleep(Duration::from_millis(50));
        let scene = round % 80 + 1;
        let started = Instant::now();
        writeln!(to_server, "{scene}").unwrap();
        let mut count = 0;
        let mut last = started;
        while count < FOLLOWERS {
            let (heard_scene, at) = hearing
                .recv_timeout(Duration::from_secs(10))
                .expect("every follower hears the move");
            if heard_scene == scene {
                count += 1;
                last = last.max(at);
            }
        }
        samples.push(last - started);
    }
    common::report(
        &format!("move → last of {FOLLOWERS} followers ({MOVES} moves)"),
        samples,
    );
    println!(
        "web server peak RSS with {FOLLOWERS} followers: {}",
        peak(&mut to_server, &mut from_server)
    );
    drop(runtime);
    compare_with_nginx(address);
    drop(to_server);
    let _ = child.wait();
}

/// The server: the built-in story, a stage moved by lines on standard input, `rss` answered
/// with the peak resident memory.
fn server_process() {
    let runtime = izumi::audiences::runtime().unwrap();
    let (hub, _) = common::hub();
    common::show(&hub, 0);
    let web = Web::start(
        runtime.handle(),
        TcpListener::bind("127.0.0.1:0").unwrap(),
        Arc::clone(&hub),
        WebConfig {
            token: None,
            secret: "secret".into(),
            read_ahead: true,
            max_followers: FOLLOWERS + 10,
            remote_lifetime: izumi::web::REMOTE_LIFETIME,
        },
    )
    .unwrap();
    println!("{}", web.address());
    for line in std::io::stdin().lock().lines() {
        let line = line.unwrap();
        if line == "rss" {
            let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
            let peak = status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l["VmHWM:".len()..].trim().to_owned())
                .unwrap_or_else(|| "unknown".into());
            println!("{peak}");
        } else if let Ok(scene) = line.parse() {
            common::show(&hub, scene);
        }
    }
}

/// Requests a second for one scene page, izumi against nginx serving the same bytes from a file.
fn compare_with_nginx(izumi: SocketAddr) {
    let (Ok(wrk), Ok(nginx)) = (which("wrk"), which("nginx")) else {
        println!("wrk or nginx not installed: skipped the comparison (apt-get install wrk nginx)");
        return;
    };
    let page_path = "/scenes/moscow-marriage";
    let folder = tempfile::tempdir().unwrap();
    let page = fetch(izumi, page_path);
    std::fs::create_dir_all(folder.path().join("scenes")).unwrap();
    std::fs::write(folder.path().join("scenes/moscow-marriage"), page).unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let conf = folder.path().join("nginx.conf");
    std::fs::write(
        &conf,
        format!(
            "daemon off; worker_processes 1; pid {0}/nginx.pid; error_log {0}/error.log;\n\
             events {{ worker_connections 1024; }}\n\
             http {{ access_log off; default_type text/html;\n\
             client_body_temp_path {0}; proxy_temp_path {0}; fastcgi_temp_path {0}; uwsgi_temp_path {0}; scgi_temp_path {0};\n\
             server {{ listen 127.0.0.1:{port}; root {0}; }} }}\n",
            folder.path().display()
        ),
    )
    .unwrap();
    let mut server = Command::new(&nginx)
        .args([
            "-c",
            conf.to_str().unwrap(),
            "-p",
            folder.path().to_str().unwrap(),
        ])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    for (name, url) in [
        ("izumi", format!("http://{izumi}{page_path}")),
        ("nginx", format!("http://127.0.0.1:{port}{page_path}")),
    ] {
        let output = Command::new(&wrk)
            .args(["-t2", "-c50", "-d5s", &url])
            .output()
            .unwrap();
        let report = String::from_utf8_lossy(&output.stdout);
        let rate = report
            .lines()
            .find(|l| l.starts_with("Requests/sec"))
            .unwrap_or("Requests/sec: ?");
        let latency = report
            .lines()
            .find(|l| l.trim_start().starts_with("Latency"))
            .unwrap_or("Latency ?");
        println!("{name:5} {page_path}: {rate}; {}", latency.trim());
    }
    // Asked to stop, not killed: a killed master leaves its worker running.
    let _ = Command::new(&nginx)
        .args([
            "-c",
            conf.to_str().unwrap(),
            "-p",
            folder.path().to_str().unwrap(),
            "-s",
            "stop",
        ])
        .stderr(Stdio::null())
        .status();
    let _ = server.wait();
}

fn fetch(address: SocketAddr, path: &str) -> Vec<u8> {
    use std::io::Read;
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let split = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    answer[split..].to_vec()
}

fn which(program: &str) -> Result<std::path::PathBuf, ()> {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .chain([std::path::PathBuf::from("/usr/sbin")])
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
        .ok_or(())
}
