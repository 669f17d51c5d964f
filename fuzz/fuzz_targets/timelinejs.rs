//! TimelineJS and StoryMapJS: the input as the events of a timeline.
#![no_main]
#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let file = common::framed(r#"{"title": {"text": {"headline": "t"}}, "events": ["#, data, "]}");
    common::load_and_use("f.json", &file);
    let story = common::framed(r#"{"storymap": {"slides": ["#, data, "]}}");
    common::load_and_use("s.json", &story);
});
