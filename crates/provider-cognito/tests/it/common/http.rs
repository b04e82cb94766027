//! Plain HTTP/1.1 over loopback for the tests: a one-shot client, and a proxy in front of the
//! emulator that answers chosen operations with a fault instead of passing them on.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// `host:port` of an `http://host:port[/…]` URL.
pub fn authority(url: &str) -> &str {
    let rest = url.strip_prefix("http://").unwrap();
    rest.split('/').next().unwrap()
}

/// A request's or answer's head: the first line and the headers (names in lower case).
pub struct Head {
    pub first_line: String,
    pub headers: Vec<(String, String)>,
}

impl Head {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads a head and its body (Content-Length or chunked); `None` at a clean end of stream.
pub async fn read_message<R: tokio::io::AsyncBufRead + Unpin>(
    reader: &mut R,
) -> Option<(Head, Vec<u8>)> {
    let mut first_line = String::new();
    if reader.read_line(&mut first_line).await.ok()? == 0 {
        return None;
    }
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).await.ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let head = Head {
        first_line: first_line.trim_end().to_owned(),
        headers,
    };
    let mut body = Vec::new();
    if head
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).await.ok()?;
            let size = usize::from_str_radix(size.trim(), 16).ok()?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).await.ok()?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(len) = head.header("content-length") {
        body = vec![0; len.parse().ok()?];
        reader.read_exact(&mut body).await.ok()?;
    } else if !head.first_line.starts_with("POST") && !head.first_line.starts_with("GET") {
        reader.read_to_end(&mut body).await.ok()?;
    }
    Some((head, body))
}

/// Sends one request (`Connection: close`) and returns the status and body.
pub async fn request(
    url: &str,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> (u16, String) {
    let mut stream = TcpStream::connect(authority(url)).await.unwrap();
    let mut out = format!("{method} {path} HTTP/1.1\r\nhost: {}\r\n", authority(url));
    for (name, value) in headers {
        if name != "host" {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    out.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    ));
    stream.write_all(out.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut reader = BufReader::new(stream);
    let (head, body) = read_message(&mut reader).await.unwrap();
    let status = head
        .first_line
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    (status, String::from_utf8(body).unwrap())
}

/// What the proxy does with one Cognito operation instead of passing it on.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Answers with this status and Cognito error (`__type`, message).
    Answer(u16, &'static str, &'static str),
    /// Closes the connection without answering, as a dying server would.
    Hang,
}

/// A proxy in front of the emulator that faults the operations it is told to and records
/// every operation it sees (by `X-Amz-Target`'s operation name).
pub struct FaultProxy {
    pub url: String,
    seen: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultProxy {
    pub async fn start(upstream: &str, faults: &[(&'static str, Fault)]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let faults: Arc<HashMap<&'static str, Fault>> = Arc::new(faults.iter().cloned().collect());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let upstream = upstream.to_owned();
        let task = {
            let seen = seen.clone();
            tokio::spawn(async move {
                while let Ok((stream, _)) = listener.accept().await {
                    let (faults, seen, upstream) = (faults.clone(), seen.clone(), upstream.clone());
                    tokio::spawn(serve(stream, upstream, faults, seen));
                }
            })
        };
        Self { url, seen, task }
    }

    /// The operations seen so far, in order.
    pub fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    stream: TcpStream,
    upstream: String,
    faults: Arc<HashMap<&'static str, Fault>>,
    seen: Arc<Mutex<Vec<String>>>,
) {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    while let Some((head, body)) = read_message(&mut reader).await {
        let operation = head
            .header("x-amz-target")
            .and_then(|t| t.rsplit('.').next())
            .unwrap_or("")
            .to_owned();
        seen.lock().unwrap().push(operation.clone());
        let answer = match faults.get(operation.as_str()) {
            Some(Fault::Hang) => return,
            Some(Fault::Answer(status, code, message)) => {
                let body = serde_json::json!({"__type": code, "message": message}).to_string();
                format!(
                    "HTTP/1.1 {status} Fault\r\ncontent-type: application/x-amz-json-1.1\r\nx-amzn-requestid: fault-{operation}\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                )
                .into_bytes()
            }
            None => forward(&upstream, &head, &body).await,
        };
        if write.write_all(&answer).await.is_err() {
            return;
        }
    }
}

/// Passes a request on unchanged but for `Connection: close`, and returns the raw answer.
async fn forward(upstream: &str, head: &Head, body: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(authority(upstream)).await.unwrap();
    let mut out = format!("{}\r\n", head.first_line);
    for (name, value) in &head.headers {
        if name != "connection" {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    out.push_str("connection: close\r\n\r\n");
    stream.write_all(out.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    answer
}
