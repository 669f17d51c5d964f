//! The context panel: everything about the selected event — what, when (both
//! readings where the date is disputed), where (region, precision, distance
//! from the reference place), casualties as of their dates, related events,
//! what the source says beside what is on record — and each passage,
//! highlighted in the full text of its source.

use egui::text::LayoutJob;
use egui::{Color32, FontId, RichText, TextFormat, Ui};

use super::capitalise;
use crate::action::{Action, Actions, AuthorAction, SelectionAction};
use crate::command::Command;
use crate::state::{AppState, Selection};
use crate::views::{Situated, ViewIndex};
use incident_map_core::model::{Anchoring, Event, Source, Verdict, When};
use incident_map_core::store::{Detail, EventTable};

const HIGHLIGHT: Color32 = Color32::from_rgb(255, 226, 120);
const OTHER_PASSAGE: Color32 = Color32::from_rgb(255, 244, 200);

/// The context panel, on the right of the map.
#[derive(Default)]
pub struct ContextPanel {
    /// The source being read (authoring), with what it worked out of it.
    reader: super::reader::SourceReader,
    /// Frames left to bring the passage into view again after it was
    /// asked: in the first, the scroll is bounded by the text shown before.
    scroll_again: u8,
    /// Whether the selected event was open in the editor last frame.
    was_editing: bool,
}

impl ContextPanel {
    pub fn ui(&mut self, ui: &mut Ui, state: &AppState, actions: &mut Actions) {
        // Authoring: the sources to read, and the one being read.
        let work = state.work();
        let reading = work.and_then(|w| w.dataset.source(w.reading.as_deref()?));
        if let Some(w) = work {
            super::reader::sources_strip(ui, w, actions);
            ui.separator();
        }
        let selection = state.selection().zip(state.document());
        match (selection, work.zip(reading)) {
            (Some((selection, doc)), reading) => {
                // The editor docked above shows the event's fields: here,
                // only the words it cites, brought into view again.
                let editing = work.and_then(|w| w.editing.as_deref()) == Some(&*selection.id);
                if state.marks().scroll_to_selection || editing != self.was_editing {
                    self.scroll_again = 3;
                }
                self.was_editing = editing;
                let scroll = self.scroll_again > 0;
                if scroll {
                    self.scroll_again -= 1;
                    ui.ctx().request_repaint();
                }
                show(
                    ui,
                    doc.table(),
                    &doc.view,
                    selection,
                    (scroll, editing),
                    actions,
                    reading.map(|r| (r, &mut self.reader, state.review())),
                );
            }
            (None, Some((w, source))) => {
                let review = state
                    .review()
                    .map(|r| (r, state.marks().scroll_to_selection));
                self.reader.ui(ui, w, source, None, review, actions);
            }
            (None, None) => {
                ui.heading("Context");
                ui.weak("Click a marker or a timeline row to see what happened, when, where, and the words of the source that report it.");
                if work.is_some() {
                    ui.weak("To mark what happened: pick a source above (or add one), select its words, then Edit › New event from selection (Ctrl+N).");
                }
            }
        }
    }
}

/// Draws the panel for the selected event; its passage in focus is brought
/// into view when `scroll`; only the words it cites when `editing` (the
/// editor above shows the rest).
fn show(
    ui: &mut Ui,
    table: &EventTable,
    index: &ViewIndex,
    selection: &Selection,
    (scroll, editing): (bool, bool),
    actions: &mut Actions,
    reading: Option<(
        (&crate::state::Work, &Source),
        &mut super::reader::SourceReader,
        Option<&crate::state::Review>,
    )>,
) {
    let i = selection.event;
    let detail = &*selection.detail;
    let e = &detail.event;
    // Two scroll areas, one above the other: bringing the passage into view
    // in the source's text leaves the event's details where they are.
    let details_height = ui.available_height() * 0.48;
    if !editing {
        egui::ScrollArea::vertical()
        .id_salt("context")
        .max_height(details_height)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            let search = index.search.trim();
            if search.is_empty() {
                ui.heading(&e.title);
            } else {
                ui.label(super::highlighted(
                    ui,
                    &e.title,
                    search,
                    egui::TextStyle::Heading,
                ));
            }
            if ui
                .small_button("Edit…")
                .on_hover_text("Open this event in the editor: its title, date, place, category (Undo takes any change back)")
                .clicked()
            {
                actions.push(AuthorAction::OpenEditor(selection.id.clone()));
            }
            if let Some(c) = table.category(i) {
                ui.label(
                    RichText::new(&table.meta.categories[c].label)
                        .color(index.color(Some(c)))
                        .strong(),
                );
            }
            if let Some(s) = &e.summary {
                ui.label(super::highlighted(ui, s, search, egui::TextStyle::Body));
            }
            ui.add_space(6.0);
            when_section(ui, detail, &table.label(i));
            where_section(ui, &selection.situated);
            casualties_section(ui, e);
            relations_section(ui, table, i, actions);
            claims_section(ui, e);
            record_section(ui, e);
        });
        ui.separator();
    }
    if let Some(((work, source), reader, review)) = reading {
        reader.ui(
            ui,
            work,
            source,
            Some(&selection.id),
            review.map(|r| (r, false)),
            actions,
        );
        return;
    }
    passages_section(
        ui,
        detail,
        selection.passage,
        &index.search,
        scroll,
        actions,
    );
}

/// Who took part, and the notes the record carries (an imported file's
/// other columns: GDELT's source URL and codes, ACLED's admin areas); a
/// note that is a source's address is a link.
fn record_section(ui: &mut Ui, e: &incident_map_core::model::Event) {
    if !e.actors.is_empty() {
        ui.label(RichText::new("Actors").strong());
        ui.label(e.actors.join("; "));
        ui.add_space(4.0);
    }
    if let Some(notes) = &e.notes {
        ui.label(RichText::new("Notes").strong());
        for line in notes.lines().filter(|l| !l.trim().is_empty()) {
            match line
                .strip_prefix("Source: ")
                .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
            {
                Some(url) => {
                    ui.hyperlink_to(RichText::new(line).small(), url);
                }
                None => {
                    ui.label(RichText::new(line).small());
                }
            }
        }
        ui.add_space(4.0);
    }
}

fn when_section(ui: &mut Ui, detail: &Detail, label: &str) {
    let e = &detail.event;
    ui.label(RichText::new("When").strong());
    // In the data set's zone (its label says which), and as the source
    // gave it when that was in another zone.
    ui.label(label);
    let given = matches!(
        e.when.start(),
        Some(incident_map_core::model::Moment::Instant(_))
    )
    .then(|| e.when.describe())
    .filter(|given| given != label && !label.contains("about"));
    if let Some(given) = given {
        ui.label(RichText::new(format!("given as {given}")).small().weak());
    }
    if let When::Disputed(readings) = &e.when {
        for r in readings {
            let source = r
                .source
                .as_deref()
                .and_then(|s| detail.source(s))
                .map(|s| format!(" ({})", s.title))
                .unwrap_or_default();
            ui.label(format!("• {}{source}", r.when.describe()));
            if let Some(note) = &r.note {
                ui.label(RichText::new(note).small().weak());
            }
        }
    }
    if let Some(note) = &e.when_note {
        ui.label(RichText::new(note).small().weak());
    }
    ui.add_space(4.0);
}

fn where_section(ui: &mut Ui, situated: &Situated) {
    ui.label(RichText::new("Where").strong());
    match &situated.line {
        None => {
            ui.label("Not placed on the map: the data gives no location.");
        }
        Some(line) => {
            ui.label(line);
            if let Some(detail) = &situated.detail {
                ui.label(RichText::new(detail).small());
            }
            if let Some(note) = &situated.note {
                ui.label(RichText::new(note).small().weak());
            }
        }
    }
    ui.add_space(4.0);
}

fn casualties_section(ui: &mut Ui, e: &Event) {
    if e.casualties.is_empty() {
        return;
    }
    ui.label(RichText::new("Casualties, as reported").strong());
    for c in &e.casualties {
        let mut parts = Vec::new();
        if let Some(k) = c.killed {
            parts.push(format!("{k} killed"));
        }
        if let Some(i) = c.injured {
            parts.push(format!("{i} injured"));
        }
        let when = c
            .as_of
            .as_ref()
            .map(|w| format!(" (as of {})", w.describe()))
            .unwrap_or_default();
        ui.label(format!("• {}{when}", parts.join(", ")));
        if let Some(note) = &c.note {
            ui.label(RichText::new(note).small().weak());
        }
    }
    ui.add_space(4.0);
}

fn relations_section(ui: &mut Ui, table: &EventTable, i: usize, actions: &mut Actions) {
    let outgoing: Vec<(String, usize)> = table
        .relations(i)
        .map(|(kind, o)| {
            (
                format!("{} {}", capitalise(kind.phrase()), table.title(o)),
                o,
            )
        })
        .collect();
    let incoming: Vec<(String, usize)> = table
        .incoming(i)
        .map(|(kind, o)| (format!("{} {} this", table.title(o), kind.phrase()), o))
        .collect();
    if outgoing.is_empty() && incoming.is_empty() {
        return;
    }
    ui.label(RichText::new("Related events").strong());
    for (text, other) in outgoing.into_iter().chain(incoming) {
        if ui.link(text).clicked() {
            actions.push(SelectionAction::Select(table.id(other).to_string()));
            actions.push(Action::Command(Command::FocusSelected));
        }
    }
    ui.add_space(4.0);
}

fn claims_section(ui: &mut Ui, e: &Event) {
    if e.claims.is_empty() {
        return;
    }
    ui.label(RichText::new("What the source says, and what is on record").strong());
    egui::Grid::new(("claims", &e.id))
        .num_columns(3)
        .striped(true)
        .spacing([8.0, 4.0])
        .show(ui, |ui| {
            ui.label(RichText::new("The source says").small().strong());
            ui.label(RichText::new("On record").small().strong());
            ui.label("");
            ui.end_row();
            for c in &e.claims {
                let (verdict, color) = match c.verdict {
                    Verdict::Matches => ("matches", Color32::from_rgb(40, 130, 60)),
                    Verdict::Vague => ("vague", Color32::from_rgb(170, 120, 20)),
                    Verdict::Silent => ("silent", Color32::GRAY),
                    Verdict::Differs => ("differs", Color32::from_rgb(190, 40, 40)),
                };
                ui.add(egui::Label::new(format!("{}: “{}”", c.about, c.says)).wrap());
                ui.add(egui::Label::new(&c.record).wrap());
                ui.label(RichText::new(verdict).color(color).strong());
                ui.end_row();
            }
        });
    ui.add_space(4.0);
}

fn passages_section(
    ui: &mut Ui,
    detail: &Detail,
    focus: usize,
    search: &str,
    scroll: bool,
    actions: &mut Actions,
) {
    let e = &detail.event;
    ui.label(RichText::new("The source's words").strong());
    if e.passages.is_empty() {
        ui.label("This event cites no passage.");
        return;
    }
    let focus = focus.min(e.passages.len() - 1);
    ui.horizontal(|ui| {
        if ui
            .add_enabled(focus > 0, egui::Button::new("‹"))
            .on_hover_text("Previous passage")
            .clicked()
        {
            actions.push(SelectionAction::ShowPassage(focus - 1));
        }
        ui.label(format!("Passage {} of {}", focus + 1, e.passages.len()));
        if ui
            .add_enabled(focus + 1 < e.passages.len(), egui::Button::new("›"))
            .on_hover_text("Next passage")
            .clicked()
        {
            actions.push(SelectionAction::ShowPassage(focus + 1));
        }
    });
    let p = &e.passages[focus];
    let Some(source) = detail.source(&p.source) else {
        return;
    };
    source_header(ui, source);
    if let Some(c) = p.credibility {
        ui.label(RichText::new(format!("credibility {}: {}", c.number(), c.meaning())).small());
    }
    ui.separator();
    // The passage in the middle of the view, where the last frame laid it
    // out (egui's own scroll-to-widget is bounded by the view it starts
    // from, and stops short of a passage far down a long text).
    let mut area = egui::ScrollArea::vertical()
        .id_salt("source-text")
        .auto_shrink([false, false]);
    if scroll && let Some(middle) = ui.data(|d| d.get_temp::<f32>(passage_middle_id())) {
        area = area.vertical_scroll_offset((middle - ui.available_height() / 2.0).max(0.0));
    }
    area.show(ui, |ui| source_text(ui, e, focus, source, search));
}

/// Where the focused passage's paragraph was last laid out: its middle,
/// from the top of the source's text.
fn passage_middle_id() -> egui::Id {
    egui::Id::unique("passage-middle")
}

/// The source's full text, the focused passage highlighted and scrolled to.
fn source_text(ui: &mut Ui, e: &Event, focus: usize, source: &Source, search: &str) {
    let p = &e.passages[focus];
    let Some(text) = source.full_text() else {
        ui.colored_label(
            Color32::DARK_RED,
            "The source's text is not available, so this passage cannot be checked.",
        );
        ui.label(format!("“{}”", p.quote));
        return;
    };
    let Anchoring::Found(anchor) = &p.anchoring else {
        ui.colored_label(
            Color32::DARK_RED,
            "Warning: this passage was not found in the source; it is unverified.",
        );
        ui.label(format!("“{}”", p.quote));
        return;
    };
    // Other passages of this event in the same source get a paler highlight.
    let mut others: Vec<std::ops::Range<usize>> = e
        .passages
        .iter()
        .enumerate()
        .filter(|(i, o)| *i != focus && o.source == p.source)
        .filter_map(|(_, o)| o.anchoring.anchor().map(|a| a.bytes.clone()))
        .collect();
    others.sort_by_key(|r| r.start);
    // One label per paragraph, so the view can scroll to the passage's.
    let top = ui.min_rect().top();
    let mut first = true;
    let mut offset = 0;
    for paragraph in text.split_inclusive('\n') {
        let range = offset..offset + paragraph.len();
        offset += paragraph.len();
        let holds_focus = anchor.bytes.start < range.end && anchor.bytes.end > range.start;
        // The words searched for, where the event's passages hold them
        // (the search reads the passages, not the whole source).
        let found: Vec<std::ops::Range<usize>> = if search.trim().is_empty() {
            Vec::new()
        } else {
            incident_map_core::filter::SearchIndex::highlights(paragraph, search)
                .into_iter()
                .map(|r| r.start + range.start..r.end + range.start)
                .filter(|r| {
                    std::iter::once(&anchor.bytes)
                        .chain(&others)
                        .any(|p| p.start <= r.start && r.end <= p.end)
                })
                .collect()
        };
        let job = highlighted(
            paragraph,
            range.start,
            &anchor.bytes,
            &others,
            &found,
            ui.visuals().text_color(),
        );
        let response = ui.add(egui::Label::new(job).wrap());
        if holds_focus && std::mem::take(&mut first) {
            let middle = response.rect.center().y - top;
            ui.data_mut(|d| d.insert_temp(passage_middle_id(), middle));
        }
    }
}

fn source_header(ui: &mut Ui, source: &Source) {
    ui.label(RichText::new(&source.title).italics());
    let mut meta = Vec::new();
    meta.extend(source.author.clone());
    meta.extend(source.publisher.clone());
    if let Some(p) = &source.published {
        meta.push(format!("published {}", p.describe()));
    }
    if let Some(r) = source.reliability {
        meta.push(format!("reliability {}: {}", r.as_str(), r.meaning()));
    }
    if !meta.is_empty() {
        ui.label(RichText::new(meta.join(" · ")).small());
    }
    // A link opens only on a click, and only for the web.
    if let Some(url) = source
        .url
        .as_deref()
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
    {
        ui.hyperlink_to(RichText::new(url).small(), url);
    }
}

/// A paragraph as a layout job, with the focused passage and the others highlighted.
fn highlighted(
    paragraph: &str,
    start: usize,
    focus: &std::ops::Range<usize>,
    others: &[std::ops::Range<usize>],
    found: &[std::ops::Range<usize>],
    color: Color32,
) -> LayoutJob {
    let mut job = LayoutJob::default();
    let font = FontId::proportional(13.5);
    let end = start + paragraph.len();
    // Cut points: the paragraph's ends and every highlight's ends inside it.
    let mut cuts = vec![start, end];
    for r in std::iter::once(focus).chain(others).chain(found) {
        for b in [r.start, r.end] {
            if b > start && b < end && paragraph.is_char_boundary(b - start) {
                cuts.push(b);
            }
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let background = if focus.start <= a && b <= focus.end {
            HIGHLIGHT
        } else if others.iter().any(|r| r.start <= a && b <= r.end) {
            OTHER_PASSAGE
        } else {
            Color32::TRANSPARENT
        };
        let text_color = if background == Color32::TRANSPARENT {
            color
        } else {
            Color32::BLACK
        };
        let underline = if found.iter().any(|r| r.start <= a && b <= r.end) {
            egui::Stroke::new(2.5, super::HIGHLIGHT)
        } else {
            egui::Stroke::NONE
        };
        job.append(
            &paragraph[a - start..b - start],
            0.0,
            TextFormat {
                font_id: font.clone(),
                color: text_color,
                background,
                underline,
                ..Default::default()
            },
        );
    }
    job
}
