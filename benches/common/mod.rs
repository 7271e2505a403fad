//! What the benches share: how a set of timings is reported.

use std::time::Duration;

/// Prints the median, 99th percentile and maximum of `samples`.
pub fn report(what: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |fraction: f64| samples[((samples.len() - 1) as f64 * fraction) as usize];
    println!(
        "{what}: median {:?}, p99 {:?}, max {:?}",
        at(0.5),
        at(0.99),
        samples[samples.len() - 1]
    );
}

/// The loopback address of the `n`-th student's machine: a classroom's students each come from
/// an address of their own, and the presenter holds each address to a few connections.
#[allow(dead_code)]
pub fn student_address(n: usize) -> std::net::IpAddr {
    let n = u32::try_from(n).unwrap_or(u32::MAX);
    std::net::IpAddr::V4(std::net::Ipv4Addr::new(
        127,
        1 + (n / 62_500 % 250) as u8,
        (n / 250 % 250) as u8,
        (n % 250 + 1) as u8,
    ))
}

/// A TCP connection to `to` from the `n`-th student's address.
#[allow(dead_code)]
pub fn connect_as_student(
    n: usize,
    to: std::net::SocketAddr,
) -> std::io::Result<std::net::TcpStream> {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)?;
    socket.bind(&std::net::SocketAddr::new(student_address(n), 0).into())?;
    socket.connect(&to.into())?;
    Ok(socket.into())
}

/// A lesson of the built-in story with every door's default caps, for a bench's presenter;
/// the console's requests for scenes arrive on the receiver.
#[allow(dead_code)]
pub fn hub() -> (
    std::sync::Arc<izumi::classroom::hub::Hub>,
    std::sync::mpsc::Receiver<usize>,
) {
    use izumi::classroom::doors::{Caps, Doors, raise_descriptor_limit};
    use izumi::classroom::hub::{Hub, Request};
    use izumi::classroom::log::EventLog;
    use std::sync::Arc;
    let (moves, moved) = std::sync::mpsc::channel();
    let log = Arc::new(EventLog::new(None, 0));
    let descriptors = raise_descriptor_limit();
    let doors = Doors::new(
        Caps::fitting(4096, Caps::PER_ADDRESS.into(), descriptors.now),
        Arc::clone(&log),
    );
    let story = Arc::new(izumi::story::load_embedded());
    let hub = Hub::new(story, doors, log, move |request| {
        if let Request::Goto(index) = request {
            let _ = moves.send(index);
        }
    });
    (Arc::new(hub), moved)
}

/// The presenter shows `scene`.
#[allow(dead_code)]
pub fn show(hub: &izumi::classroom::hub::Hub, scene: usize) {
    hub.show(izumi::classroom::hub::Moment {
        scene,
        blank: false,
        elapsed: Duration::ZERO,
        running: false,
    });
}

/// A loopback port nobody listens on just now.
#[allow(dead_code)]
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .unwrap()
        .port()
}

/// A field of a process's `/proc/PID/status` in kB (`VmHWM:` its peak resident memory, `VmRSS:`
/// its resident memory now).
#[allow(dead_code)]
pub fn status_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|value| value.split_whitespace().next()?.parse().ok())
        .unwrap()
}

/// A process's user and system CPU time so far.
#[allow(dead_code)]
pub fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..]
        .split_whitespace()
        .collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // Linux counts in hundredths of a second (USER_HZ).
    Duration::from_millis(ticks * 10)
}
