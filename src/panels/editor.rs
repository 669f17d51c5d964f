//! The event editor, docked at the top of the context column (the map
//! stays clear for placing it; the passage it cites shows below): the
//! event open for editing in the data set being authored — its title, category (one of the data set's, or a new one),
//! when, actors, summary, notes, and where (a click on the map, or a place
//! found by name: the places named in its passages first). A field's change
//! is one edit, made when the field is left (or Enter pressed), so Undo
//! takes back one field at a time.

use egui::{RichText, Ui};

use crate::action::{Action, Actions, AuthorAction, SelectionAction, WindowAction};
use crate::command::Command;
use crate::state::{AppState, PlaceHit};
use incident_map_core::edit;
use incident_map_core::model::{
    Claim, Credibility, Event, Location, Precision, Relation, RelationKind, Verdict,
};

/// The fields as typed.
pub struct EditorPanel {
    /// The event the fields were filled from (refilled when it changes
    /// under them: an undo, a click on the map).
    from: Option<Event>,
    title: String,
    category: String,
    when: String,
    casualties: String,
    actors: String,
    summary: String,
    notes: String,
    uncertainty: String,
    place_query: String,
    /// Why the date typed does not read.
    when_error: Option<String>,
    /// A relation being made: its kind and the other event's id.
    relation: (RelationKind, String),
    /// A claim being written: about, what the source says, what the record shows.
    claim: (String, String, String, Verdict),
    /// What is offered for where the event is, and what it was worked out for.
    suggestions: Option<Suggestions>,
}

/// The places and regions offered for where an event is, for one event,
/// name typed, set of words and state of the gazetteer.
#[derive(Clone)]
struct Suggestions {
    key: (String, String, String, bool),
    places: Vec<PlaceHit>,
    /// Bundled regions: (name, ISO 3166-2 code).
    regions: Vec<(String, String)>,
}

impl Default for EditorPanel {
    fn default() -> Self {
        EditorPanel {
            from: None,
            title: String::new(),
            category: String::new(),
            when: String::new(),
            casualties: String::new(),
            actors: String::new(),
            summary: String::new(),
            notes: String::new(),
            uncertainty: String::new(),
            place_query: String::new(),
            when_error: None,
            relation: (RelationKind::RelatedTo, String::new()),
            claim: (
                String::new(),
                String::new(),
                String::new(),
                Verdict::Differs,
            ),
            suggestions: None,
        }
    }
}

impl EditorPanel {
    fn fill(&mut self, e: &Event, categories: &[incident_map_core::model::Category]) {
        self.title.clone_from(&e.title);
        self.category = e
            .category
            .as_deref()
            .map(|id| {
                categories
                    .iter()
                    .find(|c| c.id == id)
                    .map_or(id, |c| c.label.as_str())
            })
            .unwrap_or_default()
            .to_string();
        self.when = edit::when_text(&e.when);
        self.casualties = edit::casualties_text(&e.casualties);
        self.actors = e.actors.join("; ");
        self.summary = e.summary.clone().unwrap_or_default();
        self.notes = e.notes.clone().unwrap_or_default();
        self.uncertainty = e
            .location
            .as_ref()
            .and_then(|l| l.uncertainty_m)
            .map(|u| u.to_string())
            .unwrap_or_default();
        self.when_error = None;
        self.from = Some(e.clone());
    }

    /// Whether an event is open for editing (the panel has something to show).
    pub fn is_open(state: &AppState) -> bool {
        state.work().is_some_and(|w| {
            w.editing
                .as_deref()
                .and_then(|id| w.dataset.event(id))
                .is_some()
        })
    }

    /// The editor docked at the top of `ui` (the context column), as tall
    /// as the user drags it, scrolling; nothing when no event is open.
    pub fn dock(&mut self, ui: &mut Ui, state: &AppState, actions: &mut Actions) {
        if !Self::is_open(state) {
            self.from = None;
            return;
        }
        let tall = (ui.available_height() * 0.6).max(200.0);
        egui::Panel::top("editor")
            .resizable(true)
            .default_size(tall)
            .size_range(120.0..=(ui.available_height() - 80.0).max(160.0))
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.heading("Event");
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        if ui
                            .button("Close")
                            .on_hover_text("Close the editor: every change is already kept")
                            .clicked()
                        {
                            actions.push(AuthorAction::CloseEditor);
                        }
                    });
                });
                egui::ScrollArea::vertical()
                    .id_salt("editor-scroll")
                    .auto_shrink([false, false])
                    .show(ui, |ui| self.ui(ui, state, actions));
            });
    }

    /// The fields of the event open for editing.
    fn ui(&mut self, ui: &mut Ui, state: &AppState, actions: &mut Actions) {
        let Some(work) = state.work() else { return };
        let Some(event) = work
            .editing
            .as_deref()
            .and_then(|id| work.dataset.event(id))
        else {
            return;
        };
        if self.from.as_ref() != Some(event) {
            self.fill(event, &work.dataset.categories);
            // The places it names, from the gazetteer: read it now.
            actions.push(WindowAction::WantGazetteer);
        }
        // A time typed without a zone is in the zone at the event's place
        // (from the gazetteer, once read), else in the data set's.
        let place_zone = work.dataset.point_of(event).and_then(|at| {
            let g = state.place_finder().gazetteer()?;
            g.zone_at(at).map(str::to_string)
        });
        let (tz, tz_why) = match place_zone
            .as_deref()
            .and_then(|z| jiff::tz::TimeZone::get(z).ok().map(|tz| (z, tz)))
        {
            Some((name, tz)) => (tz, format!("{name}, the zone at the event's place")),
            None => (
                work.dataset.tz(),
                format!(
                    "{}, the data set's zone",
                    work.dataset.time_zone.as_deref().unwrap_or("UTC")
                ),
            ),
        };
        let mut changed: Option<Event> = None;
        egui::Grid::new("editor-fields")
                    .num_columns(2)
                    .spacing([8.0, 6.0])
                    .show(ui, |ui| {
                        if line(ui, "Title:", &mut self.title, "What happened") {
                            let mut e = event.clone();
                            e.title = self.title.trim().to_string();
                            if !e.title.is_empty() {
                                changed = Some(e);
                            }
                        }
                        ui.end_row();
                        if self.category_row(ui, work, actions) {
                            let mut e = event.clone();
                            let c = self.category.trim();
                            e.category = (!c.is_empty()).then(|| c.to_string());
                            changed = Some(e);
                        }
                        ui.end_row();
                        if line(
                            ui,
                            "When:",
                            &mut self.when,
                            "2024-03-22, 2024-03, 2024-03-20/2024-03-22, 2024-03-22T20:00; disputed: 2024-03-22 (embassy) | 2024-03-23 (police)",
                        ) && self.when.trim() != edit::when_text(&event.when)
                        {
                            match edit::when_from_text(&self.when, Some(&tz)) {
                                Ok(w) => {
                                    self.when_error = None;
                                    let mut e = event.clone();
                                    e.when = w;
                                    changed = Some(e);
                                }
                                Err(why) => self.when_error = Some(why),
                            }
                        }
                        ui.end_row();
                        if line(
                            ui,
                            "Casualties:",
                            &mut self.casualties,
                            "40 killed as of 2024-03-22; 145 killed, 551 injured as of 2024-03-27",
                        ) && self.casualties.trim() != edit::casualties_text(&event.casualties)
                        {
                            match edit::casualties_from_text(&self.casualties, Some(&tz)) {
                                Ok(c) => {
                                    self.when_error = None;
                                    let mut e = event.clone();
                                    e.casualties = c;
                                    changed = Some(e);
                                }
                                Err(why) => self.when_error = Some(why),
                            }
                        }
                        ui.end_row();
                        if line(
                            ui,
                            "Actors:",
                            &mut self.actors,
                            "Who took part; separate with ;",
                        ) {
                            let mut e = event.clone();
                            e.actors = self
                                .actors
                                .split(';')
                                .map(str::trim)
                                .filter(|a| !a.is_empty())
                                .map(str::to_string)
                                .collect();
                            changed = Some(e);
                        }
                        ui.end_row();
                        if area(ui, "Summary:", &mut self.summary) {
                            let mut e = event.clone();
                            e.summary =
                                Some(self.summary.trim().to_string()).filter(|s| !s.is_empty());
                            changed = Some(e);
                        }
                        ui.end_row();
                        if area(ui, "Notes:", &mut self.notes) {
                            let mut e = event.clone();
                            e.notes = Some(self.notes.trim().to_string()).filter(|s| !s.is_empty());
                            changed = Some(e);
                        }
                        ui.end_row();
                    });
        ui.weak(format!("A time typed without a zone is in {tz_why}"));
        // Under the fields, not between them: a field the pointer is on
        // does not move when the one just left turns out wrong.
        if let Some(why) = &self.when_error {
            ui.colored_label(ui.visuals().error_fg_color, why);
        }
        ui.separator();
        if let Some(e) = self.where_section(ui, state, event, actions) {
            changed = Some(e);
        }
        ui.separator();
        if let Some(e) = self.relations_section(ui, work, event) {
            changed = Some(e);
        }
        if let Some(e) = self.claims_section(ui, event) {
            changed = Some(e);
        }
        ui.separator();
        ui.label(format!(
            "Cites {} passage{}",
            event.passages.len(),
            if event.passages.len() == 1 { "" } else { "s" }
        ));
        // Each passage's credibility (Admiralty grade 1–6).
        for (k, p) in event.passages.iter().enumerate() {
            ui.horizontal_wrapped(|ui| {
                let words: String = p.quote.chars().take(48).collect();
                ui.weak(format!("“{words}…”"));
                egui::ComboBox::from_id_salt(("credibility", k))
                    .selected_text(p.credibility.map_or("credibility: —".into(), |c| {
                        format!("credibility {}", c.number())
                    }))
                    .show_ui(ui, |ui| {
                        let grades =
                            std::iter::once(None).chain(Credibility::ALL.into_iter().map(Some));
                        for c in grades {
                            let text = c.map_or("not graded".into(), |c| {
                                format!("{}: {}", c.number(), c.meaning())
                            });
                            if ui.selectable_label(p.credibility == c, text).clicked() {
                                let mut e = event.clone();
                                e.passages[k].credibility = c;
                                changed = Some(e);
                            }
                        }
                    })
                    .response
                    .on_hover_text(
                        "How credible what this passage says is, on the Admiralty (NATO) scale",
                    );
            });
        }
        ui.horizontal_wrapped(|ui| {
            if Command::DeleteEvent.button(ui, Command::DeleteEvent.text()) {
                actions.push(SelectionAction::Select(event.id.clone()));
                actions.push(Action::Command(Command::DeleteEvent));
            }
        });
        if let Some(e) = changed {
            actions.push(AuthorAction::EditEvent(Box::new(e)));
        }
    }

    /// Its relations to other events: each with a way to take it out, and
    /// one to add (a kind, another event).
    fn relations_section(
        &mut self,
        ui: &mut Ui,
        work: &crate::state::Work,
        event: &Event,
    ) -> Option<Event> {
        let mut changed = None;
        egui::CollapsingHeader::new(format!("Related events ({})", event.relations.len()))
            .id_salt("editor-relations")
            .show(ui, |ui| {
                for (k, r) in event.relations.iter().enumerate() {
                    ui.horizontal_wrapped(|ui| {
                        let other = work
                            .dataset
                            .event(&r.event)
                            .map_or(r.event.as_str(), |e| e.title.as_str());
                        ui.label(format!("{} {other}", r.kind.phrase()));
                        if ui.small_button("Remove").clicked() {
                            let mut e = event.clone();
                            e.relations.remove(k);
                            changed = Some(e);
                        }
                    });
                }
                ui.horizontal_wrapped(|ui| {
                    egui::ComboBox::from_id_salt("relation-kind")
                        .selected_text(self.relation.0.phrase())
                        .show_ui(ui, |ui| {
                            for k in RelationKind::ALL {
                                ui.selectable_value(&mut self.relation.0, k, k.phrase());
                            }
                        })
                        .response
                        .on_hover_text("How this event relates to the other");
                    let others: Vec<&Event> = work
                        .dataset
                        .events
                        .iter()
                        .filter(|e| e.id != event.id)
                        .collect();
                    let shown = others
                        .iter()
                        .find(|e| e.id == self.relation.1)
                        .map_or("another event…", |e| e.title.as_str());
                    egui::ComboBox::from_id_salt("relation-other")
                        .selected_text(shown.chars().take(30).collect::<String>())
                        .show_ui(ui, |ui| {
                            for o in others {
                                ui.selectable_value(&mut self.relation.1, o.id.clone(), &o.title);
                            }
                        })
                        .response
                        .on_hover_text("The other event");
                    let ready = !self.relation.1.is_empty();
                    if ui.add_enabled(ready, egui::Button::new("Relate")).clicked() {
                        let mut e = event.clone();
                        e.relations.push(Relation {
                            kind: self.relation.0,
                            event: std::mem::take(&mut self.relation.1),
                            note: None,
                        });
                        changed = Some(e);
                    }
                });
            });
        changed
    }

    /// What the source says beside what is on record: each claim with a
    /// way to take it out, and one to add.
    fn claims_section(&mut self, ui: &mut Ui, event: &Event) -> Option<Event> {
        let mut changed = None;
        egui::CollapsingHeader::new(format!("Claims ({})", event.claims.len()))
            .id_salt("editor-claims")
            .show(ui, |ui| {
                for (k, c) in event.claims.iter().enumerate() {
                    ui.horizontal_wrapped(|ui| {
                        ui.label(format!(
                            "{}: says “{}”; on record: {} ({})",
                            c.about,
                            c.says,
                            c.record,
                            c.verdict.as_str()
                        ));
                        if ui.small_button("Remove").clicked() {
                            let mut e = event.clone();
                            e.claims.remove(k);
                            changed = Some(e);
                        }
                    });
                }
                let (about, says, record, verdict) = &mut self.claim;
                egui::Grid::new("claim-fields")
                    .num_columns(2)
                    .show(ui, |ui| {
                        for (label, text, hint) in [
                            ("About:", &mut *about, "date, place, casualties…"),
                            ("The source says:", &mut *says, "in its words"),
                            ("On record:", &mut *record, "what the record shows"),
                        ] {
                            let l = ui.label(label);
                            ui.add(egui::TextEdit::singleline(text).hint_text(hint))
                                .labelled_by(l.id);
                            ui.end_row();
                        }
                    });
                ui.horizontal_wrapped(|ui| {
                    egui::ComboBox::from_label("verdict")
                        .selected_text(verdict.as_str())
                        .show_ui(ui, |ui| {
                            for v in Verdict::ALL {
                                ui.selectable_value(verdict, v, v.as_str());
                            }
                        });
                    let ready = !about.trim().is_empty() && !says.trim().is_empty();
                    if ui
                        .add_enabled(ready, egui::Button::new("Add claim"))
                        .clicked()
                    {
                        let mut e = event.clone();
                        e.claims.push(Claim {
                            about: std::mem::take(about).trim().to_string(),
                            says: std::mem::take(says).trim().to_string(),
                            record: std::mem::take(record).trim().to_string(),
                            verdict: *verdict,
                            passage: None,
                        });
                        changed = Some(e);
                    }
                });
            });
        changed
    }

    /// The category: one of the data set's, or a new one typed; its colour.
    fn category_row(
        &mut self,
        ui: &mut Ui,
        work: &crate::state::Work,
        actions: &mut Actions,
    ) -> bool {
        let label = ui.label("Category:");
        let mut chosen = false;
        ui.horizontal_wrapped(|ui| {
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut self.category)
                        .desired_width(160.0)
                        .hint_text("a new one, or pick"),
                )
                .labelled_by(label.id);
            chosen |= field.lost_focus();
            egui::ComboBox::from_id_salt("category-pick")
                .selected_text("pick")
                .width(48.0)
                .show_ui(ui, |ui| {
                    for c in &work.dataset.categories {
                        if ui
                            .selectable_label(self.category == c.label, &c.label)
                            .clicked()
                        {
                            self.category.clone_from(&c.label);
                            chosen = true;
                        }
                    }
                });
            // The colour of the category chosen (its markers, its legend).
            if let Some(c) = work
                .dataset
                .categories
                .iter()
                .find(|c| c.label == self.category.trim())
            {
                let mut rgb = c
                    .color
                    .as_deref()
                    .and_then(rgb_of)
                    .unwrap_or([128, 128, 128]);
                if egui::color_picker::color_edit_button_srgb(ui, &mut rgb)
                    .on_hover_text("The category's colour")
                    .changed()
                {
                    let mut changed = c.clone();
                    changed.color = Some(format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2]));
                    actions.push(AuthorAction::EditCategory(changed));
                }
            }
        });
        chosen
    }

    /// The places and bundled regions offered for where `event` is: those
    /// its words name, or those of the name typed. Worked out again only
    /// when the event's words, the name or the gazetteer change, not every frame.
    fn suggestions(&mut self, state: &AppState, event: &Event) -> &Suggestions {
        let query = self.place_query.trim().to_string();
        let words: String = event
            .passages
            .iter()
            .map(|p| p.quote.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let gazetteer = state.place_finder().gazetteer();
        let key = (event.id.clone(), query, words, gazetteer.is_some());
        if self.suggestions.as_ref().is_none_or(|s| s.key != key) {
            let (_, query, words, _) = &key;
            let near = state.near_points();
            let places = gazetteer.map_or_else(Vec::new, |g| {
                if !query.is_empty() {
                    return g
                        .search(query, &near, 6)
                        .iter()
                        .map(PlaceHit::from)
                        .collect();
                }
                // The places its words name, read in their source's
                // context by the reading engine's ranker.
                match passages_in_source(state, event) {
                    Some((text, spans)) => {
                        incident_map_core::reading::places::suggest(text, &spans, g, &near, 6)
                            .into_iter()
                            .map(|i| {
                                let r = incident_map_core::reading::Resolved::of(g, i);
                                PlaceHit {
                                    label: r.label,
                                    point: r.point,
                                    population: g.place(i as usize).population,
                                }
                            })
                            .collect()
                    }
                    None => g
                        .places_in(words, &near, 5)
                        .iter()
                        .map(PlaceHit::from)
                        .collect(),
                }
            });
            // The bundled regions its words (or the name typed) name:
            // "Kaluga" offers Kaluga Oblast, drawn as its outline.
            let named = if query.is_empty() {
                state.regions().named_in(words)
            } else {
                state.regions().named(query)
            };
            let regions = named
                .into_iter()
                .map(|r| (r.name.clone(), r.code.clone()))
                .collect();
            self.suggestions = Some(Suggestions {
                key,
                places,
                regions,
            });
        }
        self.suggestions.as_ref().expect("just made")
    }

    /// Where: a click on the map, or a place by name; its precision and
    /// uncertainty. The event changed, if it was.
    fn where_section(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        event: &Event,
        actions: &mut Actions,
    ) -> Option<Event> {
        let placing = state.work().is_some_and(|w| w.placing);
        let location = event.location.as_ref();
        let mut changed = None;
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("Where:").strong());
            let place = location
                .and_then(|l| l.place.as_deref())
                .and_then(|id| state.work()?.dataset.place(id));
            match (location.and_then(|l| l.point), place) {
                (Some(p), _) => ui.label(format!("{:.5}, {:.5}", p.lat, p.lon)),
                (None, Some(place)) => ui.label(&place.name),
                (None, None) => ui.weak("not placed yet"),
            };
        });
        if let Some(note) = location.and_then(|l| l.note.as_deref()) {
            ui.weak(note);
        }
        let text = if placing {
            "Click the map where it happened…"
        } else {
            "Place on the map"
        };
        if ui
            .selectable_label(placing, text)
            .on_hover_text(Command::PlaceOnMap.tooltip())
            .clicked()
        {
            actions.push(Action::Command(Command::PlaceOnMap));
        }
        if let Some(l) = location {
            ui.horizontal_wrapped(|ui| {
                let precision = l.precision;
                egui::ComboBox::from_label("Precision")
                    .selected_text(precision.map_or("—", Precision::as_str))
                    .show_ui(ui, |ui| {
                        for p in Precision::ALL {
                            if ui
                                .selectable_label(precision == Some(p), p.as_str())
                                .clicked()
                            {
                                let mut e = event.clone();
                                if let Some(loc) = e.location.as_mut() {
                                    loc.precision = Some(p);
                                }
                                changed = Some(e);
                            }
                        }
                    });
                let label = ui.label("within m:");
                let field = ui
                    .add(egui::TextEdit::singleline(&mut self.uncertainty).desired_width(60.0))
                    .labelled_by(label.id);
                if field.lost_focus() {
                    let u = self
                        .uncertainty
                        .trim()
                        .parse::<f64>()
                        .ok()
                        .filter(|u| *u >= 0.0);
                    let mut e = event.clone();
                    if let Some(loc) = e.location.as_mut() {
                        loc.uncertainty_m = u;
                    }
                    changed = Some(e);
                }
            });
        }
        // A place by name: the places its passages name first.
        let label = ui.label("Find a place:");
        ui.add(
            egui::TextEdit::singleline(&mut self.place_query)
                .desired_width(f32::INFINITY)
                .hint_text("a town, a city… (offline)"),
        )
        .labelled_by(label.id);
        let finder = state.place_finder();
        if finder.is_reading() {
            ui.horizontal_wrapped(|ui| {
                ui.spinner();
                ui.label("Reading the gazetteer…");
            });
        }
        let Suggestions {
            places: hits,
            regions,
            ..
        } = self.suggestions(state, event).clone();
        if (!hits.is_empty() || !regions.is_empty()) && self.place_query.trim().is_empty() {
            ui.weak("Named in its words:");
        }
        for (name, code) in regions {
            if ui
                .add(egui::Button::new(format!("In the region: {name}")).frame(false))
                .on_hover_text("Place it in this region, drawn as its outline")
                .clicked()
            {
                actions.push(AuthorAction::PlaceInRegion(code));
                self.place_query.clear();
            }
        }
        for hit in hits {
            if ui
                .add(egui::Button::new(format!("Here: {}", hit.label)).frame(false))
                .on_hover_text(format!(
                    "{} people; {:.4}, {:.4}",
                    crate::state::thousands(hit.population as usize),
                    hit.point.lat,
                    hit.point.lon
                ))
                .clicked()
            {
                let mut e = event.clone();
                let precision = if hit.population >= 100_000 {
                    Precision::District
                } else {
                    Precision::Town
                };
                e.location = Some(Location {
                    place: None,
                    point: Some(hit.point),
                    precision: Some(precision),
                    uncertainty_m: location.and_then(|l| l.uncertainty_m),
                    geometry: None,
                    note: Some(format!("Place: {}", hit.label)),
                });
                self.place_query.clear();
                changed = Some(e);
            }
        }
        changed
    }
}

/// The text of the source `event` quotes first, and where in it (bytes)
/// each of its passages from that source is.
fn passages_in_source<'a>(
    state: &'a AppState,
    event: &Event,
) -> Option<(&'a str, Vec<std::ops::Range<usize>>)> {
    let first = event.passages.first()?;
    let source = state.work()?.dataset.source(&first.source)?;
    let text = source.full_text()?;
    let spans: Vec<std::ops::Range<usize>> = event
        .passages
        .iter()
        .filter(|p| p.source == first.source)
        .filter_map(|p| p.anchoring.anchor().map(|a| a.bytes.clone()))
        .collect();
    (!spans.is_empty()).then_some((text, spans))
}

/// `#rrggbb` as its three bytes.
fn rgb_of(hex: &str) -> Option<[u8; 3]> {
    let h = hex.strip_prefix('#')?;
    if h.len() != 6 {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(h.get(i..i + 2)?, 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// A labelled one-line field; whether its text is to be taken (it was left,
/// or Enter pressed, after a change).
fn line(ui: &mut Ui, label: &str, text: &mut String, hint: &str) -> bool {
    let label = ui.label(label);
    let field = ui
        .add(
            egui::TextEdit::singleline(text)
                .desired_width(240.0)
                .hint_text(hint),
        )
        .labelled_by(label.id);
    field.lost_focus()
}

/// A labelled few-line field; whether its text is to be taken (it was left).
fn area(ui: &mut Ui, label: &str, text: &mut String) -> bool {
    let label = ui.label(label);
    let field = ui
        .add(
            egui::TextEdit::multiline(text)
                .desired_width(240.0)
                .desired_rows(2),
        )
        .labelled_by(label.id);
    field.lost_focus()
}
