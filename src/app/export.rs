//! `:export csv|json [PATH]`: the current table or detail, as shown (masked values stay
//! masked), to a file; the runner writes it and the toast says where. Free of I/O.
//!
//! The file goes to the profile's export directory (made 0700) unless PATH is absolute; it
//! is made 0600 and never written through a symlink. An existing file is refused, with how to
//! replace it: `:export! csv|json PATH`.

use super::action::{Call, Effect, Payload};
pub use super::columns::Sheet;
use super::state::*;
use crate::backends::BackendError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

/// `export [csv|json] [PATH]`; the path is everything after the format, spaces included.
/// `replace`: typed as `export!`, an existing file at PATH is replaced.
pub fn run(state: &mut State, args: &str, replace: bool) -> Vec<Effect> {
    let args = args.trim();
    let (word, rest) = args.split_once(' ').unwrap_or((args, ""));
    let path = Some(rest.trim()).filter(|p| !p.is_empty());
    let format = match word {
        "" | "csv" => Format::Csv,
        "json" => Format::Json,
        other => {
            state.show_toast(format!("Export: {other:?} is not a format: csv or json."));
            return Vec::new();
        }
    };
    let Some(sheet) = state.top().kind.pane().sheet(&state.shown()) else {
        state.show_toast("Nothing to export on this screen.".into());
        return Vec::new();
    };
    let path = path.map(std::path::PathBuf::from);
    let view = state.top().id;
    let mut effects = Vec::new();
    let dir = state.profile.export_dir.clone();
    super::requests::start(
        state,
        view,
        Call::Export(Box::new(ExportCall {
            path,
            dir,
            replace,
            format,
            sheet,
        })),
        &mut effects,
    );
    effects
}

impl Format {
    pub fn word(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }
}

/// The file an export goes to: PATH when absolute, else in the export directory `dir`; with
/// no PATH the sheet's name and the time (the runner's part: `update` reads no clock). `None`
/// when there is no directory to put it in.
pub fn target(
    path: Option<&std::path::Path>,
    dir: Option<&std::path::Path>,
    sheet: &Sheet,
    format: Format,
    now: jiff::Timestamp,
) -> Option<std::path::PathBuf> {
    match (path, dir) {
        (Some(p), _) if p.is_absolute() => Some(p.to_path_buf()),
        (Some(p), Some(d)) => Some(d.join(p)),
        (None, Some(d)) => {
            let stamp = now.strftime("%Y%m%d-%H%M%S");
            Some(d.join(format!("{}-{stamp}.{}", sheet.name, format.word())))
        }
        (_, None) => None,
    }
}

/// Writes the sheet (the runner's part) to a new file, mode 0600; an existing file or a
/// symlink at `path` is an `AlreadyExists` error unless `replace`. The number of rows written.
pub fn write(
    path: &std::path::Path,
    format: Format,
    sheet: &Sheet,
    replace: bool,
) -> std::io::Result<usize> {
    let bytes = match format {
        Format::Csv => {
            // Each cell through `sanitize::csv_cell`: no control characters, and nothing a
            // spreadsheet would run as a formula.
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(
                sheet
                    .headers
                    .iter()
                    .map(|h| crate::sanitize::csv_cell(h).into_owned()),
            )?;
            for r in &sheet.rows {
                w.write_record(r.iter().map(|c| crate::sanitize::csv_cell(c).into_owned()))?;
            }
            w.into_inner().map_err(|e| e.into_error())?
        }
        Format::Json => {
            let rows: Vec<JsonRow> = sheet
                .rows
                .iter()
                .map(|values| JsonRow {
                    headers: &sheet.headers,
                    values,
                })
                .collect();
            serde_json::to_vec_pretty(&rows).map_err(std::io::Error::other)?
        }
    };
    use std::io::Write;
    if replace {
        crate::files::replace_bytes(path, &bytes)?;
    } else {
        crate::files::write_new(path, |f| f.write_all(&bytes))?;
    }
    Ok(sheet.rows.len())
}

/// One row as a JSON object with its fields in the screen's column order, as in the CSV
/// (a `serde_json::Map` would sort them by name).
struct JsonRow<'a> {
    headers: &'a [&'static str],
    values: &'a [String],
}

impl serde::Serialize for JsonRow<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.values.len()))?;
        for (h, v) in self.headers.iter().zip(self.values) {
            map.serialize_entry(h, v)?;
        }
        map.end()
    }
}

/// Where and how a sheet is written.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportCall {
    /// Where the operator asked (relative: in `dir`); `None`: a name made from the sheet and
    /// the time, in `dir`.
    pub path: Option<std::path::PathBuf>,
    /// The profile's export directory.
    pub dir: Option<std::path::PathBuf>,
    /// `:export!`: an existing file at `path` is replaced; otherwise it is refused.
    pub replace: bool,
    pub format: Format,
    pub sheet: Sheet,
}

/// Writes the sheet off the async threads, on the record first (what and where: personal data
/// leaving the console); the error says where and why, short enough for the status line at
/// 80 columns.
pub async fn perform(
    b: &super::backends::Backends,
    call: ExportCall,
) -> Result<Payload, BackendError> {
    let ExportCall {
        path,
        dir,
        replace,
        format,
        sheet,
    } = call;
    let asked = path.clone();
    let now = jiff::Timestamp::now();
    let Some(path) = target(path.as_deref(), dir.as_deref(), &sheet, format, now) else {
        return Err(BackendError::Local {
            what: "Export",
            detail: "no export directory: set export_dir, or give a full path".into(),
        });
    };
    let file = crate::sanitize::line(&path.display().to_string()).into_owned();
    let access = crate::audit::Event::read(
        "Console",
        "sheet.export",
        vec![
            format!("sheet:{}", sheet.name),
            format!("rows:{}", sheet.rows.len()),
            format!("format:{}", format.word()),
            format!("file:{file}"),
        ],
    );
    let writing = write_sheet(path, dir, asked, replace, format, sheet);
    super::backends::audited(&b.audit, &access, writing).await
}

/// Writes the sheet at `path` (made in `dir`, 0700, when inside it).
async fn write_sheet(
    path: std::path::PathBuf,
    dir: Option<std::path::PathBuf>,
    asked: Option<std::path::PathBuf>,
    replace: bool,
    format: Format,
    sheet: Sheet,
) -> Result<Payload, BackendError> {
    let target = path.clone();
    let written = tokio::task::spawn_blocking(move || {
        // The export directory is made (0700) when the file goes in it.
        if let Some(dir) = dir.as_deref().filter(|d| path.starts_with(d)) {
            crate::files::private_dir(dir)?;
        }
        let rows = write(&path, format, &sheet, replace)?;
        // Where it went, shortest first: relative to the working directory when
        // inside it, else absolute.
        let full = std::path::absolute(&path).unwrap_or(path);
        let shown = std::env::current_dir()
            .ok()
            .and_then(|d| full.strip_prefix(d).ok().map(std::path::Path::to_path_buf))
            .unwrap_or(full);
        Ok::<_, std::io::Error>((shown, rows))
    })
    .await
    .map_err(|e| BackendError::Local {
        what: "Export",
        detail: e.to_string(),
    })?;
    let (path, rows) = written.map_err(|e| BackendError::Local {
        what: "Export",
        // Short, so the status line shows it whole at 80 columns.
        detail: match e.kind() {
            // Never overwritten unasked (nor written through a symlink).
            std::io::ErrorKind::AlreadyExists => match &asked {
                Some(p) => format!(
                    "exists: {} (`:export! {} {}` replaces it)",
                    target.display(),
                    format.word(),
                    p.display()
                ),
                None => format!("exists: {}", target.display()),
            },
            std::io::ErrorKind::NotFound => format!("no folder for {}", target.display()),
            std::io::ErrorKind::PermissionDenied => {
                format!("{}: permission denied", target.display())
            }
            _ => format!("{}: {e}", target.display()),
        },
    })?;
    Ok(Payload::Exported { path, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_cannot_start_a_formula_and_phones_stay_readable() {
        let sheet = Sheet {
            name: "users",
            headers: vec!["Name", "Phone", "Note"],
            rows: vec![vec![
                "=cmd|' /C calc'!A0".into(),
                "+45 12 34 56 78".into(),
                "\t-1\r\n@x".into(),
            ]],
        };
        let dir = std::env::temp_dir().join(format!("backoffice-export-f-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("users.csv");
        write(&path, Format::Csv, &sheet, false).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        let row: Vec<String> = csv::Reader::from_reader(text.as_bytes())
            .records()
            .next()
            .unwrap()
            .unwrap()
            .iter()
            .map(String::from)
            .collect();
        assert_eq!(row, ["'=cmd|' /C calc'!A0", "'+45 12 34 56 78", "' -1 @x"]);
    }

    #[test]
    fn json_keeps_the_screens_column_order() {
        let sheet = Sheet {
            name: "users",
            headers: vec!["Name", "Email", "Id"],
            rows: vec![vec![
                "Ida Holm".into(),
                "ida@example.com".into(),
                "7".into(),
            ]],
        };
        let dir = std::env::temp_dir().join(format!("backoffice-export-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("users.json");
        assert_eq!(write(&path, Format::Json, &sheet, false).unwrap(), 1);
        let text = std::fs::read_to_string(&path).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        let at = |k: &str| text.find(&format!("\"{k}\"")).unwrap();
        assert!(at("Name") < at("Email") && at("Email") < at("Id"), "{text}");
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed[0]["Email"], "ida@example.com");
    }
}
