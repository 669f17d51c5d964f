//! Reading a source of the data set being authored: its whole text, the
//! passages already quoted from it highlighted (the selected event's
//! brighter), and the words the user selects in it, from which *New event
//! from selection* (Ctrl+N) or *Add selection as evidence* make a passage.
//! While the events it reports are reviewed (*Find events in this
//! source*, Ctrl+R), the passages proposed are shaded, their dates
//! underlined in blue and their places in green, the chosen one's
//! strongest and brought into view.

use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontId, RichText, Ui};

use crate::action::{Action, Actions, AuthorAction, Words};
use crate::command::Command;
use crate::state::{Review, Verdict, Work};
use incident_map_core::model::{Reliability, Source};

const QUOTED: Color32 = Color32::from_rgb(255, 244, 200);
const SELECTED_EVENT: Color32 = Color32::from_rgb(255, 226, 120);
const PROPOSED_BG: Color32 = Color32::from_rgb(236, 228, 255);
const CHOSEN_BG: Color32 = Color32::from_rgb(214, 196, 255);
const DATE_LINE: Color32 = Color32::from_rgb(30, 100, 220);
const PLACE_LINE: Color32 = Color32::from_rgb(30, 140, 60);

/// What a stretch of the source's text is, as the reader marks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Mark {
    /// Quoted by an event (the selected one's: `true`).
    Quoted(bool),
    /// Proposed as an event's words (the chosen proposal's: `true`).
    Proposed(bool),
    /// A date, a place (the chosen proposal's own: `true`).
    Date(bool),
    Place(bool),
}

/// The reader's text field: while it has the keyboard, arrows and Shift
/// select words in it (they are not the commands they are elsewhere).
pub fn reader_id() -> egui::Id {
    egui::Id::unique("source-reader")
}

/// The strip of the work's sources, to pick the one to read.
pub fn sources_strip(ui: &mut Ui, work: &Work, actions: &mut Actions) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Sources:").strong());
        for s in &work.dataset.sources {
            let reading = work.reading.as_deref() == Some(s.id.as_str());
            let title: String = s.title.chars().take(40).collect();
            if ui
                .selectable_label(reading, title)
                .on_hover_text(format!("Read \"{}\" and quote it", s.title))
                .clicked()
            {
                actions.push(AuthorAction::ReadSource((!reading).then(|| s.id.clone())));
            }
        }
        for (c, label) in [
            (Command::AddSource, "Add file…"),
            (Command::PasteSource, "Paste…"),
        ] {
            if c.button(ui, label) {
                actions.push(Action::Command(c));
            }
        }
    });
}

/// The passages quoted from one source, by byte range, the selected
/// event's marked: worked out when the work, the source or the selection
/// changes, not every frame.
#[derive(Default)]
pub struct SourceReader {
    marks: Vec<(std::ops::Range<usize>, Mark)>,
    /// What `marks` was worked out for: the source, the work's changes,
    /// the selected event, and the review (its reading, the proposal
    /// chosen, how many are left).
    key: Option<MarksKey>,
}

/// What the reader's marks are worked out for.
type MarksKey = (
    String,
    u64,
    Option<String>,
    Option<(u64, Option<usize>, usize)>,
);

impl SourceReader {
    /// The stretches of `source` to mark: the passages of `work` quoted
    /// from it, and what the review of it proposes.
    fn marks(
        &mut self,
        work: &Work,
        source: &Source,
        selected_event: Option<&str>,
        review: Option<&Review>,
    ) -> &[(std::ops::Range<usize>, Mark)] {
        let key = (
            source.id.clone(),
            work.history.changes(),
            selected_event.map(str::to_string),
            review.map(|r| (r.job(), r.chosen, r.pending().count())),
        );
        if self.key.as_ref() != Some(&key) {
            self.marks = work
                .dataset
                .events
                .iter()
                .flat_map(|e| {
                    let mine = selected_event == Some(e.id.as_str());
                    e.passages
                        .iter()
                        .filter(|p| p.source == source.id)
                        .filter_map(move |p| {
                            p.anchoring
                                .anchor()
                                .map(|a| (a.bytes.clone(), Mark::Quoted(mine)))
                        })
                })
                .collect();
            if let Some(r) = review
                && let Some(read) = r.read()
            {
                for (i, c) in read.candidates.iter().enumerate() {
                    if r.verdict(i) != Verdict::Pending {
                        continue;
                    }
                    let chosen = r.chosen == Some(i);
                    for p in &c.proposal.passages {
                        self.marks.push((p.clone(), Mark::Proposed(chosen)));
                    }
                    let (date, place) = c.parts(read);
                    self.marks.extend(date.map(|d| (d, Mark::Date(chosen))));
                    self.marks.extend(place.map(|p| (p, Mark::Place(chosen))));
                }
                // Every date and place found, the chosen one's aside.
                self.marks.extend(
                    read.reading
                        .dates
                        .iter()
                        .filter(|d| d.value.is_some())
                        .map(|d| (d.span.clone(), Mark::Date(false))),
                );
                self.marks.extend(
                    read.reading
                        .places
                        .iter()
                        .map(|p| (p.span.clone(), Mark::Place(false))),
                );
            }
            self.key = Some(key);
        }
        &self.marks
    }

    /// The source's text, selectable; what is selected goes to the state.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        work: &Work,
        source: &Source,
        selected_event: Option<&str>,
        review: Option<(&Review, bool)>,
        actions: &mut Actions,
    ) {
        let (review, scroll) = match review {
            Some((r, scroll)) if r.source == source.id => (Some(r), scroll),
            _ => (None, false),
        };
        ui.horizontal(|ui| {
            ui.label(RichText::new(&source.title).italics());
            let grade = source.reliability;
            egui::ComboBox::from_id_salt(("reliability", &source.id))
                .selected_text(grade.map_or("reliability: —".into(), |r| {
                    format!("reliability {}", r.as_str())
                }))
                .show_ui(ui, |ui| {
                    let none = ui.selectable_label(grade.is_none(), "not graded");
                    if none.clicked() {
                        actions.push(AuthorAction::GradeSource {
                            source: source.id.clone(),
                            reliability: None,
                        });
                    }
                    for r in Reliability::ALL {
                        let text = format!("{}: {}", r.as_str(), r.meaning());
                        if ui.selectable_label(grade == Some(r), text).clicked() {
                            actions.push(AuthorAction::GradeSource {
                                source: source.id.clone(),
                                reliability: Some(r),
                            });
                        }
                    }
                })
                .response
                .on_hover_text("How reliable this source is, on the Admiralty (NATO) scale");
        });
        about(ui, source, actions);
        let has_words = work.words.is_some();
        ui.horizontal_wrapped(|ui| {
            for c in [Command::NewEventFromSelection, Command::AddEvidence] {
                let enabled = has_words && (c != Command::AddEvidence || selected_event.is_some());
                if c.menu_item(ui, enabled) {
                    actions.push(Action::Command(c));
                }
            }
            if Command::FindEvents.menu_item(ui, true) {
                actions.push(Action::Command(Command::FindEvents));
            }
        });
        let Some(text) = source.full_text() else {
            ui.colored_label(
                ui.visuals().error_fg_color,
                "This source's text is not available.",
            );
            return;
        };
        // The passages quoted from this source and those proposed in it.
        let marks = self.marks(work, source, selected_event, review);
        let text_color = ui.visuals().text_color();
        let mut layouter = |ui: &Ui, buffer: &dyn egui::TextBuffer, wrap: f32| {
            let mut job = highlighted(buffer.as_str(), marks, text_color);
            job.wrap.max_width = wrap;
            ui.fonts_mut(|f| f.layout_job(job))
        };
        let mut shown: &str = text;
        // One id for every source's reader: the keys know it is being read.
        let id = reader_id();
        if ui.memory(|m| m.has_focus(id)) && work.reading.as_deref() != Some(source.id.as_str()) {
            ui.memory_mut(|m| m.surrender_focus(id));
        }
        let out = egui::ScrollArea::vertical()
            .id_salt("reader-scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                egui::TextEdit::multiline(&mut shown)
                    .id(id)
                    .desired_width(f32::INFINITY)
                    .frame(egui::Frame::NONE)
                    .layouter(&mut layouter)
                    .show(ui)
            })
            .inner;
        out.response.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::MultilineTextInput, true, "Source text")
        });
        // The proposal chosen, brought into view.
        if scroll
            && let Some(r) = review
            && let Some(c) = r.chosen.and_then(|i| r.read()?.candidates.get(i))
            && let Some(before) = text.get(..c.passage().start)
        {
            let at = egui::text::CCursor::new(before.chars().count());
            let rect = out
                .galley
                .pos_from_cursor(at)
                .translate(out.galley_pos.to_vec2());
            ui.scroll_to_rect(
                rect.expand2(egui::vec2(0.0, 60.0)),
                Some(egui::Align::Center),
            );
        }
        if let Some(range) = out.cursor_range {
            let r = range.as_sorted_char_range();
            let words = (r.start.0 != r.end.0).then(|| Words {
                source: source.id.clone(),
                start: r.start.0,
                end: r.end.0,
            });
            if words != work.words {
                actions.push(AuthorAction::SelectWords(words));
            }
        }
    }
}

/// What is known of the source (title, author, publisher, date, address),
/// to complete or correct; *Apply* makes it one change.
fn about(ui: &mut Ui, source: &Source, actions: &mut Actions) {
    egui::CollapsingHeader::new("About this source")
        .id_salt(("about-source", &source.id))
        .show(ui, |ui| {
            // The fields as typed, kept in egui's memory until applied.
            let id = egui::Id::unique(("about-fields", &source.id));
            let mut fields: [String; 5] = ui.data_mut(|d| {
                d.get_temp(id).unwrap_or_else(|| {
                    [
                        source.title.clone(),
                        source.author.clone().unwrap_or_default(),
                        source.publisher.clone().unwrap_or_default(),
                        source
                            .published
                            .as_ref()
                            .map(ToString::to_string)
                            .unwrap_or_default(),
                        source.url.clone().unwrap_or_default(),
                    ]
                })
            });
            // A field left (a click elsewhere, Tab) commits what was typed,
            // as Apply does: nothing typed is lost for want of a click.
            let mut left = false;
            egui::Grid::new(("about-grid", &source.id))
                .num_columns(2)
                .show(ui, |ui| {
                    for (label, text) in ["Title:", "Author:", "Publisher:", "Date:", "Address:"]
                        .iter()
                        .zip(fields.iter_mut())
                    {
                        let l = ui.label(*label);
                        left |= ui
                            .add(egui::TextEdit::singleline(text).desired_width(220.0))
                            .labelled_by(l.id)
                            .lost_focus();
                        ui.end_row();
                    }
                });
            let date = fields[3].trim();
            let published =
                (!date.is_empty()).then(|| incident_map_core::model::When::parse(date, None));
            if let Some(Err(e)) = &published {
                ui.colored_label(ui.visuals().error_fg_color, format!("The date: {e}"));
            }
            let apply = ui.button("Apply").clicked() || left;
            if apply && !matches!(published, Some(Err(_))) {
                let some = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
                let mut changed = source.clone();
                changed.title = some(&fields[0]).unwrap_or_else(|| source.title.clone());
                changed.author = some(&fields[1]);
                changed.publisher = some(&fields[2]);
                changed.published = published.and_then(Result::ok);
                changed.url = some(&fields[4]);
                if changed != *source {
                    actions.push(AuthorAction::EditSource(Box::new(changed)));
                }
                ui.data_mut(|d| d.remove::<[String; 5]>(id));
            } else {
                ui.data_mut(|d| d.insert_temp(id, fields));
            }
        });
}

/// The text as a layout job, its marked stretches highlighted (they may
/// overlap: a place inside a passage proposed is both shaded and
/// underlined).
fn highlighted(text: &str, marks: &[(std::ops::Range<usize>, Mark)], color: Color32) -> LayoutJob {
    let font = FontId::proportional(13.5);
    let fits = |r: &std::ops::Range<usize>| {
        r.start < r.end
            && r.end <= text.len()
            && text.is_char_boundary(r.start)
            && text.is_char_boundary(r.end)
    };
    // Where any mark begins or ends: between two, one format.
    let mut cuts: Vec<usize> = marks
        .iter()
        .filter(|(r, _)| fits(r))
        .flat_map(|(r, _)| [r.start, r.end])
        .chain([0, text.len()])
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut job = LayoutJob::default();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let mut format = TextFormat::simple(font.clone(), color);
        let mut background = None;
        for (r, m) in marks {
            if !(fits(r) && r.start <= a && b <= r.end) {
                continue;
            }
            let (bg, rank) = match m {
                Mark::Proposed(true) => (Some(CHOSEN_BG), 4),
                Mark::Quoted(true) => (Some(SELECTED_EVENT), 3),
                Mark::Quoted(false) => (Some(QUOTED), 2),
                Mark::Proposed(false) => (Some(PROPOSED_BG), 1),
                Mark::Date(strong) => {
                    format.underline =
                        egui::Stroke::new(if *strong { 2.5 } else { 1.2 }, DATE_LINE);
                    (None, 0)
                }
                Mark::Place(strong) => {
                    format.underline =
                        egui::Stroke::new(if *strong { 2.5 } else { 1.2 }, PLACE_LINE);
                    (None, 0)
                }
            };
            if let Some(bg) = bg
                && background.is_none_or(|(_, r)| rank > r)
            {
                background = Some((bg, rank));
            }
        }
        if let Some((bg, _)) = background {
            format.background = bg;
            format.color = Color32::BLACK;
        }
        job.append(&text[a..b], 0.0, format);
    }
    job
}
