//! What a reading says, as the `extract` command prints it: one JSON object
//! a source, offsets in characters (Unicode scalar values) of the text as
//! read.

use serde_json::{Value as Json, json};

use super::Reading;
use super::places::Resolved;
use super::text::CharOffsets;
use crate::gazetteer::Gazetteer;

/// A place as JSON: its name, country, point, kind and GeoNames id.
fn place(g: &Gazetteer, index: u32) -> Json {
    let r = Resolved::of(g, index);
    json!({
        "name": r.name,
        "label": r.label,
        "country": r.country,
        "lat": (r.point.lat * 1e5).round() / 1e5,
        "lon": (r.point.lon * 1e5).round() / 1e5,
        "radius_km": (r.radius_km * 10.0).round() / 10.0,
        "kind": r.kind.as_str(),
        "zone": r.zone,
        "geonameid": r.geonameid,
    })
}

/// `reading` of `text` as JSON: `{"dates": […], "places": […], "events": […]}`.
pub fn to_json(text: &str, reading: &Reading, g: &Gazetteer) -> Json {
    let offsets = CharOffsets::new(text);
    let at = |r: &std::ops::Range<usize>| (offsets.chars(r.start), offsets.chars(r.end));
    let dates: Vec<Json> = reading
        .dates
        .iter()
        .map(|d| {
            let (start, end) = at(&d.span);
            json!({
                "start": start,
                "end": end,
                "text": &text[d.span.clone()],
                "value": d.value.as_ref().map(ToString::to_string),
            })
        })
        .collect();
    let places: Vec<Json> = reading
        .places
        .iter()
        .map(|p| {
            let (start, end) = at(&p.span);
            let best = p.best().map(|b| place(g, b));
            let mut o = json!({
                "start": start,
                "end": end,
                "text": &text[p.span.clone()],
                "name": null, "country": null, "lat": null, "lon": null, "kind": null,
                "demonym": p.demonym,
                "fallback": p.fallback,
                "alternatives": p.candidates.iter().skip(1).take(5).map(|&(c, _)| place(g, c)).collect::<Vec<_>>(),
            });
            if let (Some(b), Some(map)) = (best, o.as_object_mut()) {
                for (k, v) in b.as_object().into_iter().flatten() {
                    map.insert(k.clone(), v.clone());
                }
                if p.fallback {
                    // Not the place itself: what holds it, as far as the article tells.
                    let r = map.get("radius_km").and_then(Json::as_f64).unwrap_or(0.0);
                    map.insert("radius_km".into(), json!(r.max(super::places::FALLBACK_KM)));
                    map.insert("geonameid".into(), Json::Null);
                }
            }
            o
        })
        .collect();
    let events: Vec<Json> = reading
        .events
        .iter()
        .map(|e| {
            let first = &e.passages[0];
            let (start, end) = at(first);
            let where_ = e.place.map(|p| Resolved::of(g, p));
            json!({
                "start": start,
                "end": end,
                "quote": &text[first.clone()],
                "more": e.passages.iter().skip(1).map(|p| {
                    let (s, t) = at(p);
                    json!({"start": s, "end": t, "quote": &text[p.clone()]})
                }).collect::<Vec<_>>(),
                "title": e.title,
                "when": e.when.as_ref().map(ToString::to_string),
                "lat": where_.as_ref().map(|w| (w.point.lat * 1e5).round() / 1e5),
                "lon": where_.as_ref().map(|w| (w.point.lon * 1e5).round() / 1e5),
                "place": where_.as_ref().map(|w| w.label.clone()),
                "radius_km": where_.as_ref().map(|w| w.radius_km),
                "zone": where_.as_ref().map(|w| w.zone.clone()),
                "finer": e.finer.as_ref().map(|f| &text[f.clone()]),
                "category": e.category.clone().unwrap_or_else(|| e.class.label().to_string()),
                "actors": e.actors,
                "killed": e.killed,
                "injured": e.injured,
                "confidence": (f64::from(e.confidence) * 100.0).round() / 100.0,
            })
        })
        .collect();
    json!({ "dates": dates, "places": places, "events": events })
}
