package jsonwire

import "time"

// AppendTime appends t, in UTC, in the layout time.RFC3339Nano, as
// t.UTC().AppendFormat(b, time.RFC3339Nano) does, without interpreting
// the layout on every call. The year must be within 0000–9999.
func AppendTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	hour, min, sec := t.Clock()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, time.RFC3339Nano)
	}
	b = append(b,
		byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-',
		byte('0'+int(month)/10), byte('0'+int(month)%10), '-',
		byte('0'+day/10), byte('0'+day%10), 'T',
		byte('0'+hour/10), byte('0'+hour%10), ':',
		byte('0'+min/10), byte('0'+min%10), ':',
		byte('0'+sec/10), byte('0'+sec%10))
	if ns := t.Nanosecond(); ns != 0 {
		var frac [10]byte
		frac[0] = '.'
		for k := 9; k >= 1; k-- {
			frac[k] = byte('0' + ns%10)
			ns /= 10
		}
		n := 10
		for frac[n-1] == '0' { // RFC3339Nano drops trailing zeros
			n--
		}
		b = append(b, frac[:n]...)
	}
	return append(b, 'Z')
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
	year, ok1 := digitsAt(s, 0, 4)
	month, ok2 := digitsAt(s, 5, 2)
	day, ok3 := digitsAt(s, 8, 2)
	hour, ok4 := digitsAt(s, 11, 2)
	min, ok5 := digitsAt(s, 14, 2)
	sec, ok6 := digitsAt(s, 17, 2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || month < 1 || month > 12 || day < 1 ||
		day > daysIn(time.Month(month), year) || hour > 23 || min > 59 || sec > 59 {
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
	return time.Date(year, time.Month(month), day, hour, min, sec, nsec, time.UTC), true
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
