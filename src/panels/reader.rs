//! Reading a source of the data set being authored: its whole text, the
//! passages already quoted from it highlighted (the selected event's
//! brighter), and the words the user selects in it, from which *New event
//! from selection* (Ctrl+N) or *Add selection as evidence* make a passage.

use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontId, RichText, Ui};

use crate::action::{Action, Actions, AuthorAction, Words};
use crate::command::Command;
use crate::state::Work;
use incident_map_core::model::{Reliability, Source};

const QUOTED: Color32 = Color32::from_rgb(255, 244, 200);
const SELECTED_EVENT: Color32 = Color32::from_rgb(255, 226, 120);

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
    quoted: Vec<(std::ops::Range<usize>, bool)>,
    /// What `quoted` was worked out for: the source, the work's changes,
    /// the selected event.
    key: Option<(String, u64, Option<String>)>,
}

impl SourceReader {
    /// The passages of `work` quoted from `source`, in order.
    fn quoted(
        &mut self,
        work: &Work,
        source: &Source,
        selected_event: Option<&str>,
    ) -> &[(std::ops::Range<usize>, bool)] {
        let key = (
            source.id.clone(),
            work.history.changes(),
            selected_event.map(str::to_string),
        );
        if self.key.as_ref() != Some(&key) {
            self.quoted = work
                .dataset
                .events
                .iter()
                .flat_map(|e| {
                    let mine = selected_event == Some(e.id.as_str());
                    e.passages
                        .iter()
                        .filter(|p| p.source == source.id)
                        .filter_map(move |p| p.anchoring.anchor().map(|a| (a.bytes.clone(), mine)))
                })
                .collect();
            self.quoted.sort_by_key(|(r, _)| r.start);
            self.key = Some(key);
        }
        &self.quoted
    }

    /// The source's text, selectable; what is selected goes to the state.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        work: &Work,
        source: &Source,
        selected_event: Option<&str>,
        actions: &mut Actions,
    ) {
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
        });
        let Some(text) = source.full_text() else {
            ui.colored_label(
                ui.visuals().error_fg_color,
                "This source's text is not available.",
            );
            return;
        };
        // The passages quoted from this source, by character range.
        let quoted = self.quoted(work, source, selected_event);
        let text_color = ui.visuals().text_color();
        let mut layouter = |ui: &Ui, buffer: &dyn egui::TextBuffer, wrap: f32| {
            let mut job = highlighted(buffer.as_str(), quoted, text_color);
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
            egui::Grid::new(("about-grid", &source.id))
                .num_columns(2)
                .show(ui, |ui| {
                    for (label, text) in ["Title:", "Author:", "Publisher:", "Date:", "Address:"]
                        .iter()
                        .zip(fields.iter_mut())
                    {
                        let l = ui.label(*label);
                        ui.add(egui::TextEdit::singleline(text).desired_width(220.0))
                            .labelled_by(l.id);
                        ui.end_row();
                    }
                });
            let date = fields[3].trim();
            let published =
                (!date.is_empty()).then(|| incident_map_core::model::When::parse(date, None));
            if let Some(Err(e)) = &published {
                ui.colored_label(ui.visuals().error_fg_color, format!("The date: {e}"));
            }
            if ui.button("Apply").clicked() && !matches!(published, Some(Err(_))) {
                let some = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
                let mut changed = source.clone();
                changed.title = some(&fields[0]).unwrap_or_else(|| source.title.clone());
                changed.author = some(&fields[1]);
                changed.publisher = some(&fields[2]);
                changed.published = published.and_then(Result::ok);
                changed.url = some(&fields[4]);
                actions.push(AuthorAction::EditSource(Box::new(changed)));
                ui.data_mut(|d| d.remove::<[String; 5]>(id));
            } else {
                ui.data_mut(|d| d.insert_temp(id, fields));
            }
        });
}

/// The text as a layout job, the quoted passages highlighted.
fn highlighted(text: &str, quoted: &[(std::ops::Range<usize>, bool)], color: Color32) -> LayoutJob {
    let font = FontId::proportional(13.5);
    let plain = TextFormat::simple(font.clone(), color);
    let mut job = LayoutJob::default();
    let mut at = 0;
    for (r, mine) in quoted {
        if r.start < at || r.end > text.len() || !text.is_char_boundary(r.start) {
            continue;
        }
        job.append(&text[at..r.start], 0.0, plain.clone());
        job.append(
            &text[r.clone()],
            0.0,
            TextFormat {
                background: if *mine { SELECTED_EVENT } else { QUOTED },
                color: Color32::BLACK,
                ..TextFormat::simple(font.clone(), color)
            },
        );
        at = r.end;
    }
    job.append(&text[at..], 0.0, plain);
    job
}
