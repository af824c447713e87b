//! Forms: fields validated as you leave them, errors beside the field, Tab and Shift-Tab to
//! move, a confirm step that shows the change, and Esc that asks before discarding typed input.

use tui_input::Input;

pub type Check = fn(&str) -> Result<(), String>;

#[derive(Debug)]
pub struct Field {
    pub label: &'static str,
    pub input: Input,
    pub required: bool,
    pub check: Option<Check>,
    pub error: Option<String>,
}

impl Field {
    pub fn new(label: &'static str, required: bool, check: Option<Check>) -> Field {
        Field {
            label,
            input: Input::default(),
            required,
            check,
            error: None,
        }
    }

    fn validate(&mut self) -> bool {
        let v = self.input.value().trim();
        self.error = if v.is_empty() {
            self.required.then(|| "is required".to_string())
        } else {
            self.check.and_then(|c| c(v).err())
        };
        self.error.is_none()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Editing,
    /// Shows what will be sent; Enter sends.
    Confirming,
    /// Esc with typed input: asks before throwing it away.
    DiscardAsked,
}

/// What the form creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    BankEmployee,
}

#[derive(Debug)]
pub struct Form {
    pub kind: FormKind,
    pub title: &'static str,
    pub fields: Vec<Field>,
    pub focus: usize,
    pub stage: Stage,
    /// Why the backend refused the last attempt.
    pub error: Option<String>,
    /// A request on its way.
    pub sending: Option<super::action::RequestId>,
}

impl Form {
    pub fn bank_employee() -> Form {
        Form {
            kind: FormKind::BankEmployee,
            title: "New bank employee (Unioo)",
            fields: vec![
                Field::new("Email", true, Some(crate::core::validate::email)),
                Field::new("First name", false, None),
                Field::new("Last name", false, None),
            ],
            focus: 0,
            stage: Stage::Editing,
            error: None,
            sending: None,
        }
    }

    pub fn value(&self, label: &str) -> Option<String> {
        self.fields
            .iter()
            .find(|f| f.label == label)
            .map(|f| f.input.value().trim().to_string())
            .filter(|v| !v.is_empty())
    }

    pub fn has_input(&self) -> bool {
        self.fields
            .iter()
            .any(|f| !f.input.value().trim().is_empty())
    }

    /// Validates the field being left, then moves (wrapping).
    pub fn move_focus(&mut self, forward: bool) {
        self.fields[self.focus].validate();
        let n = self.fields.len();
        self.focus = if forward {
            (self.focus + 1) % n
        } else {
            (self.focus + n - 1) % n
        };
    }

    /// Validates every field; focuses the first bad one.
    pub fn validate_all(&mut self) -> bool {
        let results: Vec<bool> = self.fields.iter_mut().map(Field::validate).collect();
        match results.iter().position(|ok| !ok) {
            Some(i) => {
                self.focus = i;
                false
            }
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaving_a_field_validates_it_and_all_are_checked_before_confirming() {
        let mut f = Form::bank_employee();
        f.fields[0].input = Input::new("not-an-email".into());
        f.move_focus(true);
        assert_eq!(f.focus, 1);
        assert!(
            f.fields[0]
                .error
                .as_deref()
                .unwrap()
                .contains("not an email")
        );
        f.move_focus(false);
        f.move_focus(false);
        assert_eq!(f.focus, 2, "Shift-Tab wraps");
        assert!(!f.validate_all());
        assert_eq!(f.focus, 0, "the first bad field gets the focus");
        f.fields[0].input = Input::new("ok@example.com".into());
        assert!(f.validate_all());
        assert_eq!(f.value("Email").as_deref(), Some("ok@example.com"));
        assert_eq!(f.value("First name"), None);
    }
}
