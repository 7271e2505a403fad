//! Latency of the classroom link over loopback: from the console asking for a scene until a
//! follower hears the presenter announce it (the network part of a key on the console reaching
//! the presenter's and a follower's screens; drawing a frame adds what `render` measures).

use std::sync::mpsc;
use std::time::{Duration, Instant};

use izumi::classroom::net::{Connection, Presenter, PresenterConfig};
use izumi::classroom::protocol::{Message, Role};

fn main() {
    let (moves, moved) = mpsc::channel();
    let config = PresenterConfig {
        fingerprint: "bench".into(),
        secret: "secret".into(),
        token: None,
        log: None,
        ..PresenterConfig::default()
    };
    let presenter = Presenter::listen("127.0.0.1:0", config, moves).unwrap();
    let (mut console, _console_inbox) =
        Connection::join(presenter.address(), Role::Console, "bench", Some("secret")).unwrap();
    let (_follower, follower_inbox) =
        Connection::join(presenter.address(), Role::Follower, "bench", None).unwrap();
    let _ = follower_inbox.recv_timeout(Duration::from_secs(5));

    let mut samples = Vec::new();
    // Paced like a person, under the presenter's limit of 50 messages a second per connection.
    for round in 1..=200usize {
        std::thread::sleep(Duration::from_millis(25));
        let start = Instant::now();
        console.goto(round).unwrap();
        let index = moved.recv().unwrap();
        presenter.announce(index, 0, false);
        loop {
            if let Message::Scene { index, .. } = follower_inbox.recv().unwrap()
                && index == round
            {
                break;
            }
        }
        samples.push(start.elapsed());
    }
    samples.sort();
    let at = |fraction: f64| samples[((samples.len() - 1) as f64 * fraction) as usize];
    println!(
        "console key to follower, network only (200 rounds): median {:?}, p99 {:?}, max {:?}",
        at(0.5),
        at(0.99),
        samples[samples.len() - 1]
    );
}
