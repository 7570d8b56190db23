package jsonwire

import (
	"sync/atomic"
	"time"
)

// AppendTime appends t, in UTC, in the layout time.RFC3339Nano, as
// t.UTC().AppendFormat(b, time.RFC3339Nano) does, without interpreting
// the layout on every call. Years outside 0000–9999 are handed to
// AppendFormat.
func AppendTime(b []byte, t time.Time) []byte {
	if !Writable(t) {
		return t.UTC().AppendFormat(b, time.RFC3339Nano)
	}
	sec := t.Unix() - unixYear0
	b = append(b, dateOf(sec / secondsPerDay).text[:]...)
	clock := int(sec % secondsPerDay)
	hour, min, s := clock/3600, clock/60%60, clock%60
	b = append(b, 'T',
		pairs[2*hour], pairs[2*hour+1], ':',
		pairs[2*min], pairs[2*min+1], ':',
		pairs[2*s], pairs[2*s+1])
	if ns := t.Nanosecond(); ns != 0 {
		hi, lo := ns/100000, ns%100000 // the first 4 and the last 5 of 9 digits
		frac := [10]byte{'.',
			pairs[2*(hi/100)], pairs[2*(hi/100)+1], pairs[2*(hi%100)], pairs[2*(hi%100)+1],
			byte('0' + lo/10000), pairs[2*(lo/100%100)], pairs[2*(lo/100%100)+1], pairs[2*(lo%100)], pairs[2*(lo%100)+1]}
		n := 10
		for frac[n-1] == '0' { // RFC3339Nano drops trailing zeros
			n--
		}
		b = append(b, frac[:n]...)
	}
	return append(b, 'Z')
}

// A date is a day and its text, "YYYY-MM-DD".
type date struct {
	days int64 // from 0000-01-01
	text [10]byte
}

// lastDate is the date AppendTime or ParseTime met last: events come in
// bursts of the same day, and turning a day number into its text, or
// back, is most of their work otherwise.
var lastDate atomic.Pointer[date]

// dateOf returns the date of the day numbered days from 0000-01-01.
func dateOf(days int64) *date {
	if d := lastDate.Load(); d != nil && d.days == days {
		return d
	}
	year, month, day := civil(days)
	d := &date{days: days, text: [10]byte{
		pairs[2*(year/100)], pairs[2*(year/100)+1], pairs[2*(year%100)], pairs[2*(year%100)+1], '-',
		pairs[2*month], pairs[2*month+1], '-',
		pairs[2*day], pairs[2*day+1]}}
	lastDate.Store(d)
	return d
}

// Writable reports whether t's year, in UTC, is 0000 to 9999: the years
// that RFC 3339 (and so AppendTime's fast path) can write.
func Writable(t time.Time) bool {
	sec := t.Unix()
	return sec >= unixYear0 && sec < unixYear10000
}

const (
	secondsPerDay = 86400
	// unixYear0 and unixYear10000 are 0000-01-01 and 10000-01-01 UTC in
	// Unix seconds.
	unixYear0     = -62167219200
	unixYear10000 = 253402300800
	// daysYear0To1970 is the number of days from 0000-01-01 to 1970-01-01.
	daysYear0To1970 = 719528
)

// pairs holds the two digits of 00 to 99, at 2n and 2n+1.
const pairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

// civil returns the date of the day numbered days from 0000-01-01 (at
// most 9999-12-31), by the algorithm of Howard Hinnant's "chrono-Compatible
// Low-Level Date Algorithms", counting from 0000-03-01 so that February
// ends each year.
func civil(days int64) (year, month, day int) {
	doe := int(days) - 60 + 146097 // day of the 400-year era from -0400-03-01 (0000 is a leap year)
	era := doe / 146097
	doe -= era * 146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day = doy - (153*mp+2)/5 + 1
	month = mp + 3
	if month > 12 {
		month -= 12
	}
	year = yoe + (era-1)*400
	if month <= 2 {
		year++
	}
	return year, month, day
}

// daysFrom0 is civil's inverse: the number of the day year-month-day
// counted from 0000-01-01, for a valid date of 0000 to 9999.
func daysFrom0(year, month, day int) int64 {
	if month <= 2 {
		year--
	}
	year += 400 // so that it is not negative
	era := year / 400
	yoe := year - era*400
	mp := month - 3
	if mp < 0 {
		mp += 12
	}
	doy := (153*mp+2)/5 + day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64((era-1)*146097+doe) + 60
}

// ParseTime parses s as time.Time.UnmarshalText does (RFC 3339), with a
// fast path for the form AppendTime writes; any other form is handed to
// UnmarshalText, so the result and the errors are exactly its own.
func ParseTime(s []byte) (time.Time, error) {
	if t, ok := parseCanonical(s); ok {
		return t, nil
	}
	var t time.Time
	err := t.UnmarshalText(s)
	return t, err
}

// parseCanonical reads "YYYY-MM-DDTHH:MM:SS[.F{1,9}]Z" with every field
// in range; ok is false for anything else.
func parseCanonical(s []byte) (time.Time, bool) {
	n := len(s)
	if n < 20 || n > 30 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[n-1] != 'Z' {
		return time.Time{}, false
	}
	days, ok := daysOf(s[:10])
	hour, ok4 := digitsAt(s, 11, 2)
	min, ok5 := digitsAt(s, 14, 2)
	sec, ok6 := digitsAt(s, 17, 2)
	if !(ok && ok4 && ok5 && ok6) || hour > 23 || min > 59 || sec > 59 {
		return time.Time{}, false
	}
	nsec := 0
	if n > 20 {
		if s[19] != '.' || n == 21 {
			return time.Time{}, false
		}
		frac, ok := digitsAt(s, 20, n-21)
		if !ok {
			return time.Time{}, false
		}
		for k := n - 21; k < 9; k++ {
			frac *= 10
		}
		nsec = frac
	}
	unix := (days-daysYear0To1970)*secondsPerDay + int64(hour*3600+min*60+sec)
	return time.Unix(unix, int64(nsec)).UTC(), true
}

// daysOf reads "YYYY-MM-DD" (the dashes checked by the caller), a valid
// date, as its day number from 0000-01-01.
func daysOf(text []byte) (int64, bool) {
	if d := lastDate.Load(); d != nil && string(text) == string(d.text[:]) {
		return d.days, true
	}
	year, ok1 := digitsAt(text, 0, 4)
	month, ok2 := digitsAt(text, 5, 2)
	day, ok3 := digitsAt(text, 8, 2)
	if !(ok1 && ok2 && ok3) || month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) {
		return 0, false
	}
	d := &date{days: daysFrom0(year, month, day)}
	copy(d.text[:], text)
	lastDate.Store(d)
	return d.days, true
}

func digitsAt(s []byte, at, n int) (int, bool) {
	v := 0
	for _, c := range s[at : at+n] {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

func daysIn(m time.Month, year int) int {
	if m == time.February {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 31 - int((m-1)%7%2)
}
