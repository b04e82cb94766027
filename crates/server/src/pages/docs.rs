//! `GET /docs`: the README (the integration guide), embedded at build time and rendered to HTML
//! once, so the landing page's link works without a network. Raw HTML in the markdown is shown
//! as text, never passed through; headings get GitHub's anchors so the README's own links work.

use super::{document, escape, page_response};
use crate::router::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::HashMap;
use std::sync::LazyLock;

/// The README this binary was built with.
const README: &str = include_str!("../../../../README.md");

/// The README's screenshot of the console, served where the guide's relative link points.
const SCREENSHOT: &[u8] = include_bytes!("../../../../docs/console.png");

/// The rendered guide: the table of contents and the article.
static GUIDE: LazyLock<String> = LazyLock::new(|| render(README));

/// `GET /docs`: the integration guide.
pub async fn page(State(state): State<AppState>) -> Response {
    let head = format!(
        r#"<link rel="stylesheet" href="{}">"#,
        state.assets.site_style.path()
    );
    let body = format!(
        r#"<header class="bar"><a href="/"><strong>Auth Return</strong></a><nav aria-label="Site"><a href="/console">Console</a></nav></header>
<main class="doc">
{}
</main>"#,
        *GUIDE
    );
    page_response(document("Integration guide · Auth Return", &head, &body))
}

/// `GET /docs/console.png`: the screenshot the guide shows.
pub async fn screenshot() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        SCREENSHOT,
    )
        .into_response()
}

/// `markdown` as HTML: a contents list of its second-level headings, then the text.
pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut events = Vec::new();
    let mut heading: Option<(HeadingLevel, Vec<Event>)> = None;
    let mut slugs = Slugs::default();
    let mut contents = Vec::new();
    for event in Parser::new_ext(markdown, options) {
        // Raw HTML is the one way markdown reaches the DOM unescaped: it becomes text.
        let event = match event {
            Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
            other => other,
        };
        match event {
            Event::Start(Tag::Heading { level, .. }) => heading = Some((level, Vec::new())),
            Event::End(TagEnd::Heading(_)) => {
                let Some((level, inner)) = heading.take() else {
                    continue;
                };
                let text = plain_text(&inner);
                let slug = slugs.next(&text);
                if level == HeadingLevel::H2 {
                    contents.push(format!(
                        r##"<li><a href="#{slug}">{}</a></li>"##,
                        escape(&text)
                    ));
                }
                events.push(Event::Html(CowStr::from(format!(
                    r#"<{level} id="{slug}">"#
                ))));
                events.extend(inner);
                events.push(Event::Html(CowStr::from(format!("</{level}>\n"))));
            }
            other => match heading.as_mut() {
                Some((_, inner)) => inner.push(other),
                None => events.push(other),
            },
        }
    }
    let mut article = String::new();
    pulldown_cmark::html::push_html(&mut article, events.into_iter());
    format!(
        r#"<nav class="toc" aria-label="Contents"><h2>Contents</h2><ol>{}</ol></nav>
<article>
{article}</article>"#,
        contents.concat()
    )
}

/// The text of a heading's events (its words and code spans).
fn plain_text(events: &[Event]) -> String {
    events
        .iter()
        .filter_map(|event| match event {
            Event::Text(text) | Event::Code(text) => Some(text.as_ref()),
            _ => None,
        })
        .collect()
}

/// GitHub's heading anchors: lower case, punctuation dropped, spaces as `-`, repeats numbered.
#[derive(Default)]
struct Slugs {
    seen: HashMap<String, usize>,
}

impl Slugs {
    fn next(&mut self, text: &str) -> String {
        let base: String = text
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .collect();
        let count = self.seen.entry(base.clone()).or_insert(0);
        let slug = if *count == 0 {
            base.clone()
        } else {
            format!("{base}-{count}")
        };
        *count += 1;
        escape(&slug)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_shown_as_text() {
        let html = render("# T\n\n<script>alert(1)</script>\n\nA <img src=x onerror=alert(1)> b\n");
        assert!(
            !html.contains("<script>") && !html.contains("<img"),
            "{html}"
        );
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
    }

    #[test]
    fn headings_get_the_readme_anchors() {
        let html = render("## Several instances, one database\n\n## API keys\n\n## API keys\n");
        assert!(
            html.contains(r#"<h2 id="several-instances-one-database">"#),
            "{html}"
        );
        assert!(html.contains(r#"<h2 id="api-keys">"#) && html.contains(r#"<h2 id="api-keys-1">"#));
        assert!(html.contains(r##"<a href="#api-keys">API keys</a>"##));
    }

    #[test]
    fn the_readme_renders_with_its_links_resolving() {
        let html = render(README);
        assert!(html.contains("<table>") && html.contains("<pre><code"));
        for anchor in [
            "who-can-become-a-developer",
            "security-notes",
            "api-keys",
            "https",
        ] {
            assert!(html.contains(&format!(r#"id="{anchor}""#)), "{anchor}");
        }
    }
}
