//! Dates as the story states them: exact days, months, seasons, parts of a year, decades, spans,
//! approximations and disputed claims. Each keeps the author's wording for display and gets a
//! sortable range for the timeline.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A calendar day; the derived order is chronological.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Day {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Day {
    /// A day, if it exists in the calendar.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Self> {
        let valid = (1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && (1..=days_in_month(year, month)).contains(&day);
        valid.then_some(Self { year, month, day })
    }

    fn first_of_month(year: i32, month: u8) -> Self {
        Self {
            year,
            month,
            day: 1,
        }
    }

    fn last_of_month(year: i32, month: u8) -> Self {
        Self {
            year,
            month,
            day: days_in_month(year, month),
        }
    }

    /// The day as a fractional year (about 1941.38 for 21 May 1941), for placing on a time axis.
    pub fn as_year_fraction(self) -> f64 {
        let into_month =
            (f64::from(self.day) - 1.0) / f64::from(days_in_month(self.year, self.month));
        f64::from(self.year) + (f64::from(self.month) - 1.0 + into_month) / 12.0
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The earliest and latest day a date can mean, both inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DateRange {
    pub start: Day,
    pub end: Day,
}

impl DateRange {
    fn months(year: i32, first: u8, last_year: i32, last: u8) -> Self {
        Self {
            start: Day::first_of_month(year, first),
            end: Day::last_of_month(last_year, last),
        }
    }

    fn years(first: i32, last: i32) -> Self {
        Self::months(first, 1, last, 12)
    }

    fn union(self, other: Self) -> Self {
        Self {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// How precisely a date is known, from a single day to a span of years.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Precision {
    Day,
    Month,
    Season,
    PartOfYear,
    Year,
    EitherYear,
    Decade,
    Span,
    Approximate,
}

/// What a claim is about: its range, but for an approximate date ("about 1927") the dates it is
/// about (1927) without the year either side that "about" may mean.
pub fn core(claim: &DateClaim) -> DateRange {
    let range = claim.range;
    if claim.precision != Precision::Approximate {
        return range;
    }
    let start = Day::first_of_month(range.start.year + 1, range.start.month);
    let end = Day::last_of_month(range.end.year - 1, range.end.month);
    if start <= end {
        DateRange { start, end }
    } else {
        range
    }
}

/// One account of when something happened, with whose account it is when sources disagree.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DateClaim {
    pub text: String,
    pub range: DateRange,
    pub precision: Precision,
    pub according_to: Option<String>,
}

/// A date as the story gives it: one claim, or several when sources disagree.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoryDate {
    claims: Vec<DateClaim>,
}

impl StoryDate {
    /// A date every source agrees on.
    pub fn agreed(claim: DateClaim) -> Self {
        Self {
            claims: vec![claim],
        }
    }

    /// A date two or more sources give differently.
    pub fn disputed(claims: Vec<DateClaim>) -> Self {
        assert!(!claims.is_empty(), "a disputed date needs claims");
        Self { claims }
    }

    /// Parses an agreed date such as `21 May 1941` or `spring 1938`.
    pub fn parse(text: &str) -> Result<Self, DateError> {
        parse_claim(text, None).map(Self::agreed)
    }

    pub fn claims(&self) -> &[DateClaim] {
        &self.claims
    }

    pub fn is_disputed(&self) -> bool {
        self.claims.len() > 1
    }

    /// True when the date names a single day.
    pub fn is_exact(&self) -> bool {
        !self.is_disputed() && self.claims[0].precision == Precision::Day
    }

    /// Everything the date may mean, across all claims.
    pub fn range(&self) -> DateRange {
        let mut claims = self.claims.iter().map(|claim| claim.range);
        let first = claims.next().expect("a date has at least one claim");
        claims.fold(first, DateRange::union)
    }

    /// The key that orders dates on a timeline: the earliest day, then the latest.
    pub fn sort_key(&self) -> (Day, Day) {
        let range = self.range();
        (range.start, range.end)
    }
}

impl fmt::Display for StoryDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.is_disputed() {
            return f.write_str(&self.claims[0].text);
        }
        for (i, claim) in self.claims.iter().enumerate() {
            if i > 0 {
                f.write_str(" or ")?;
            }
            write!(f, "{claim}")?;
        }
        Ok(())
    }
}

/// One reading with whose it is: `1927 (Motov)`.
impl fmt::Display for DateClaim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)?;
        if let Some(source) = &self.according_to {
            write!(f, " ({source})")?;
        }
        Ok(())
    }
}

/// Why a date string could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "bad date \"{text}\": {reason}; write e.g. \"21 May 1941\", \"May 1941\", \"spring 1938\", \"late 1936\", \"1943/44\" or \"1938 – 1943/44\" (see story/README.md)"
)]
pub struct DateError {
    pub text: String,
    pub reason: String,
}

/// Parses one claim, remembering whose account it is.
pub fn parse_claim(text: &str, according_to: Option<String>) -> Result<DateClaim, DateError> {
    let fail = |reason: &str| DateError {
        text: text.to_owned(),
        reason: reason.to_owned(),
    };
    let normalized = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace("mid-", "mid ");
    if normalized.is_empty() {
        return Err(fail("empty date"));
    }
    let (range, precision) = parse_approximate(&normalized).map_err(|reason| fail(&reason))?;
    Ok(DateClaim {
        text: text.split_whitespace().collect::<Vec<_>>().join(" "),
        range,
        precision,
        according_to,
    })
}

fn parse_approximate(text: &str) -> Result<(DateRange, Precision), String> {
    for prefix in ["about ", "around ", "circa ", "c. ", "c."] {
        if let Some(rest) = text.strip_prefix(prefix) {
            let (range, _) = parse_span(rest.trim())?;
            let widened = DateRange {
                start: Day::first_of_month(range.start.year - 1, range.start.month),
                end: Day::last_of_month(range.end.year + 1, range.end.month),
            };
            return Ok((widened, Precision::Approximate));
        }
    }
    parse_span(text)
}

fn parse_span(text: &str) -> Result<(DateRange, Precision), String> {
    let separators = [" to ", "–", "—", "-"];
    let split = separators
        .iter()
        .find_map(|sep| text.split_once(sep).map(|(a, b)| (a.trim(), b.trim())));
    let Some((from, to)) = split else {
        return parse_point(text);
    };
    if from.is_empty() || to.is_empty() {
        return Err("a span needs a start and an end".into());
    }
    let (to, _) = parse_point(to)?;
    // "March – May 1941" and "21–23 June 1941": the start borrows the end's year (and month).
    let (from, _) = parse_point(from).or_else(|error| {
        let borrowed = match from.split(' ').count() {
            1 if from.parse::<u8>().is_ok() => format!("{from} {}", month_year(to.end)),
            1 | 2 => format!("{from} {}", to.end.year),
            _ => return Err(error),
        };
        parse_point(&borrowed).map_err(|_| error)
    })?;
    if to.end < from.start {
        return Err("the span ends before it starts".into());
    }
    Ok((
        DateRange {
            start: from.start,
            end: to.end,
        },
        Precision::Span,
    ))
}

fn month_year(day: Day) -> String {
    format!("{} {}", MONTHS[usize::from(day.month) - 1], day.year)
}

fn parse_point(text: &str) -> Result<(DateRange, Precision), String> {
    let text = text.strip_prefix("the ").unwrap_or(text);
    let words: Vec<&str> = text.split(' ').collect();
    match words.as_slice() {
        [day, month, year] => {
            let (year, month) = (parse_year(year)?, parse_month(month)?);
            let day: u8 = day.parse().map_err(|_| format!("\"{day}\" is not a day"))?;
            let day = Day::new(year, month, day)
                .ok_or_else(|| "no such day in the calendar".to_owned())?;
            Ok((
                DateRange {
                    start: day,
                    end: day,
                },
                Precision::Day,
            ))
        }
        [qualifier, year] => parse_qualified(qualifier, year),
        [year] => parse_year_like(year),
        _ => Err("unrecognised date".into()),
    }
}

fn parse_qualified(qualifier: &str, year: &str) -> Result<(DateRange, Precision), String> {
    if let Some(decade) = year.strip_suffix('s') {
        let decade = parse_decade(decade)?;
        let (first, last) = match qualifier {
            "early" => (0, 3),
            "mid" => (3, 6),
            "late" => (6, 9),
            _ => return Err(format!("\"{qualifier}\" cannot qualify a decade")),
        };
        return Ok((
            DateRange::years(decade + first, decade + last),
            Precision::Decade,
        ));
    }
    let year_number = parse_year(year)?;
    let season = |first: u8, last: u8| {
        Ok((
            DateRange::months(year_number, first, year_number, last),
            Precision::Season,
        ))
    };
    let third = |first: u8, last: u8| {
        Ok((
            DateRange::months(year_number, first, year_number, last),
            Precision::PartOfYear,
        ))
    };
    match qualifier {
        "spring" => season(3, 5),
        "summer" => season(6, 8),
        "autumn" | "fall" => season(9, 11),
        "winter" => Ok((
            DateRange::months(year_number, 12, year_number + 1, 2),
            Precision::Season,
        )),
        "early" => third(1, 4),
        "mid" => third(5, 8),
        "late" => third(9, 12),
        month => {
            let month = parse_month(month)?;
            Ok((
                DateRange::months(year_number, month, year_number, month),
                Precision::Month,
            ))
        }
    }
}

fn parse_year_like(text: &str) -> Result<(DateRange, Precision), String> {
    if let Some(decade) = text.strip_suffix('s') {
        let decade = parse_decade(decade)?;
        return Ok((DateRange::years(decade, decade + 9), Precision::Decade));
    }
    if let Some((first, second)) = text.split_once('/') {
        let first = parse_year(first)?;
        let second = parse_alternative_year(first, second)?;
        return Ok((DateRange::years(first, second), Precision::EitherYear));
    }
    let year = parse_year(text)?;
    Ok((DateRange::years(year, year), Precision::Year))
}

/// `44` after `1943/` means 1944; a full year is taken as written.
fn parse_alternative_year(first: i32, text: &str) -> Result<i32, String> {
    let digits: i32 = text
        .parse()
        .map_err(|_| format!("\"{text}\" is not a year"))?;
    let second = match text.len() {
        2 => first - first % 100 + digits,
        4 => digits,
        _ => return Err(format!("\"{text}\" is not a year")),
    };
    if second <= first {
        return Err("the second year of \"A/B\" must come after the first".into());
    }
    Ok(second)
}

fn parse_decade(text: &str) -> Result<i32, String> {
    let year = parse_year(text)?;
    if year % 10 != 0 {
        return Err(format!("\"{text}s\" is not a decade"));
    }
    Ok(year)
}

fn parse_year(text: &str) -> Result<i32, String> {
    match text.parse::<i32>() {
        Ok(year) if (1..=9999).contains(&year) && text.len() == 4 => Ok(year),
        _ => Err(format!("\"{text}\" is not a four-digit year")),
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn parse_month(text: &str) -> Result<u8, String> {
    let text = text.trim_end_matches('.');
    MONTHS
        .iter()
        .position(|name| *name == text || (text.len() >= 3 && name.starts_with(text)))
        .map(|index| index as u8 + 1)
        .ok_or_else(|| format!("\"{text}\" is not a month or season"))
}

/// Year ticks along a strip `width` columns wide (the terminal's timeline, or a web timeline as
/// wide) with room for their labels: the smallest round step
/// that leaves at least six columns per tick.
pub fn tick_step(first: i32, last: i32, width: u16) -> i32 {
    let years = (last - first + 1).max(1);
    [1, 2, 5, 10, 20, 25, 50, 100, 250, 500, 1000]
        .into_iter()
        .find(|step| (years / step + 1) * 6 <= i32::from(width))
        .unwrap_or(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(text: &str) -> (String, String, Precision) {
        let claim = parse_claim(text, None).unwrap();
        (
            claim.range.start.to_string(),
            claim.range.end.to_string(),
            claim.precision,
        )
    }

    #[test]
    fn exact_day() {
        assert_eq!(
            range("21 May 1941"),
            ("1941-05-21".into(), "1941-05-21".into(), Precision::Day)
        );
    }

    #[test]
    fn month_and_abbreviated_month() {
        assert_eq!(
            range("March 1927"),
            ("1927-03-01".into(), "1927-03-31".into(), Precision::Month)
        );
        assert_eq!(range("Feb 1940").1, "1940-02-29");
    }

    #[test]
    fn seasons_cover_their_quarter_and_winter_crosses_the_year() {
        assert_eq!(range("spring 1938").0, "1938-03-01");
        assert_eq!(range("Summer 1931").1, "1931-08-31");
        assert_eq!(
            range("winter 1939"),
            ("1939-12-01".into(), "1940-02-29".into(), Precision::Season)
        );
    }

    #[test]
    fn parts_of_a_year() {
        assert_eq!(
            range("late 1936"),
            (
                "1936-09-01".into(),
                "1936-12-31".into(),
                Precision::PartOfYear
            )
        );
        assert_eq!(range("early 1937").1, "1937-04-30");
        assert_eq!(range("mid-1920").0, "1920-05-01");
    }

    #[test]
    fn years_alternatives_and_decades() {
        assert_eq!(range("1925").2, Precision::Year);
        assert_eq!(
            range("1943/44"),
            (
                "1943-01-01".into(),
                "1944-12-31".into(),
                Precision::EitherYear
            )
        );
        assert_eq!(range("1930s").1, "1939-12-31");
        assert_eq!(
            range("the early 1930s"),
            ("1930-01-01".into(), "1933-12-31".into(), Precision::Decade)
        );
    }

    #[test]
    fn spans_join_the_start_of_one_to_the_end_of_the_other() {
        assert_eq!(
            range("1938 – 1943/44"),
            ("1938-01-01".into(), "1944-12-31".into(), Precision::Span)
        );
        assert_eq!(range("March 1927 to 1930").0, "1927-03-01");
        assert_eq!(range("1925-1927").1, "1927-12-31");
    }

    #[test]
    fn the_start_of_a_span_may_borrow_the_end_s_year() {
        assert_eq!(
            range("March – May 1941"),
            ("1941-03-01".into(), "1941-05-31".into(), Precision::Span)
        );
        assert_eq!(
            range("21–23 June 1941"),
            ("1941-06-21".into(), "1941-06-23".into(), Precision::Span)
        );
        assert!(parse_claim("March – May", None).is_err());
    }

    #[test]
    fn approximate_dates_widen_by_a_year() {
        assert_eq!(
            range("about 1927"),
            (
                "1926-01-01".into(),
                "1928-12-31".into(),
                Precision::Approximate
            )
        );
        assert_eq!(range("c. 1927").0, "1926-01-01");
    }

    #[test]
    fn an_approximate_date_is_about_what_it_names_and_others_about_their_range() {
        let core = |text: &str| {
            let claim = parse_claim(text, None).unwrap();
            let core = core(&claim);
            (core.start.to_string(), core.end.to_string())
        };
        assert_eq!(
            core("about 1927"),
            ("1927-01-01".into(), "1927-12-31".into())
        );
        assert_eq!(
            core("about May 1941"),
            ("1941-05-01".into(), "1941-05-31".into())
        );
        assert_eq!(
            core("late 1920 – 1921/22"),
            ("1920-09-01".into(), "1922-12-31".into())
        );
        assert_eq!(
            core("21 May 1941"),
            ("1941-05-21".into(), "1941-05-21".into())
        );
    }

    #[test]
    fn display_keeps_the_authors_words() {
        assert_eq!(
            StoryDate::parse("late   1936").unwrap().to_string(),
            "late 1936"
        );
    }

    #[test]
    fn disputed_dates_show_both_accounts_and_span_both() {
        let date = StoryDate::disputed(vec![
            parse_claim("August 1944", Some("Japanese sources".into())).unwrap(),
            parse_claim("February 1945", Some("Motov".into())).unwrap(),
        ]);
        assert!(date.is_disputed());
        assert!(!date.is_exact());
        assert_eq!(
            date.to_string(),
            "August 1944 (Japanese sources) or February 1945 (Motov)"
        );
        assert_eq!(date.range().start.to_string(), "1944-08-01");
        assert_eq!(date.range().end.to_string(), "1945-02-28");
    }

    #[test]
    fn sort_keys_order_dates_chronologically() {
        let mut dates: Vec<StoryDate> = ["1931", "summer 1931", "26 November 1931", "1930s"]
            .into_iter()
            .map(|text| StoryDate::parse(text).unwrap())
            .collect();
        dates.sort_by_key(StoryDate::sort_key);
        let order: Vec<String> = dates.iter().map(ToString::to_string).collect();
        assert_eq!(order, ["1930s", "1931", "summer 1931", "26 November 1931"]);
    }

    #[test]
    fn year_fraction_places_a_day_within_its_year() {
        let day = Day::new(1941, 7, 1).unwrap();
        assert!((day.as_year_fraction() - 1941.5).abs() < 1e-9);
    }

    #[test]
    fn rejects_what_it_cannot_read() {
        for bad in [
            "",
            "Spirng 1938",
            "31 February 1941",
            "1941 – 1939",
            "19",
            "1943/42",
            "1935s",
            "sometime",
            "early",
        ] {
            assert!(parse_claim(bad, None).is_err(), "accepted {bad:?}");
        }
    }
}
