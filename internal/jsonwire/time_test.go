package jsonwire

import (
	"fmt"
	"testing"
	"time"
)

var timeSeeds = []string{
	"2026-05-01T12:00:00.123456789Z", "2026-05-01T12:00:00Z", "2026-05-01T12:00:00.1Z",
	"2026-05-01T12:00:00.120Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
	"2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z",
	"2026-05-01T24:00:00Z", "2026-05-01T12:60:00Z", "2026-05-01T12:00:60Z", "2026-05-01t12:00:00Z",
	"2026-05-01T12:00:00z", "2026-05-01T12:00:00.Z", "2026-05-01T12:00:00.1234567891Z",
	"2026-05-01T12:00:00+02:00", "2026-05-01 12:00:00Z", "2026-5-01T12:00:00Z", "", "x",
	"1900-02-29T00:00:00Z", "2000-02-29T00:00:00Z", "2026-05-01T12:00:00.000000000Z",
}

// TestParseTimeAgreesWithUnmarshalText holds the fast path to the
// standard library: same instant, same verdict.
func TestParseTimeAgreesWithUnmarshalText(t *testing.T) {
	for _, s := range timeSeeds {
		checkParseTime(t, s)
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range timeSeeds {
		f.Add(s)
	}
	f.Fuzz(checkParseTime)
}

func checkParseTime(t *testing.T, s string) {
	var want time.Time
	errWant := want.UnmarshalText([]byte(s))
	got, errGot := ParseTime([]byte(s))
	same := got.Equal(want) && got.Location().String() == want.Location().String()
	if want.Location() == time.UTC {
		same = got == want // the same value, not only the same instant
	}
	if (errWant == nil) != (errGot == nil) || !same {
		t.Fatalf("%q: UnmarshalText %v, %v; ParseTime %v, %v", s, want, errWant, got, errGot)
	}
}

// TestAppendTimeAgreesWithAppendFormat holds the formatter to the layout.
func TestAppendTimeAgreesWithAppendFormat(t *testing.T) {
	for _, tm := range []time.Time{
		time.Date(2026, 5, 1, 12, 0, 0, 123456789, time.UTC), time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 5, 1, 12, 0, 0, 100, time.FixedZone("x", 3600)), time.Date(0, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Unix(0, 0),
	} {
		checkAppendTime(t, tm.Unix(), int64(tm.Nanosecond()))
	}
}

func FuzzAppendTime(f *testing.F) {
	f.Add(int64(1777636800), int64(123456789))
	f.Add(int64(-62135596800), int64(0))
	f.Fuzz(checkAppendTime)
}

func checkAppendTime(t *testing.T, sec, nsec int64) {
	tm := time.Unix(sec, nsec%1e9)
	want := tm.UTC().AppendFormat(nil, time.RFC3339Nano)
	if got := AppendTime(nil, tm); string(got) != string(want) {
		t.Fatalf("%v: AppendTime %s, AppendFormat %s", tm, got, want)
	}
}

// TestTimesOfManyDaysAtOnce writes and reads times of different days
// from several goroutines at once, so that the last-date cache is
// replaced under the readers' feet: every result must still be exact.
func TestTimesOfManyDaysAtOnce(t *testing.T) {
	start := time.Date(2026, 2, 27, 23, 59, 59, 5, time.UTC)
	errs := make(chan error, 4)
	for g := range 4 {
		go func() {
			for i := range 2000 {
				tm := start.Add(time.Duration((i*7+g)%5) * 24 * time.Hour)
				want := tm.Format(time.RFC3339Nano)
				if got := string(AppendTime(nil, tm)); got != want {
					errs <- fmt.Errorf("AppendTime(%v) = %s", tm, got)
					return
				}
				if got, err := ParseTime([]byte(want)); err != nil || got != tm {
					errs <- fmt.Errorf("ParseTime(%s) = %v, %v", want, got, err)
					return
				}
			}
			errs <- nil
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestWritable checks the year range at its edges, in UTC whatever the
// time's zone.
func TestWritable(t *testing.T) {
	east := time.FixedZone("east", 2*3600)
	for _, tt := range []struct {
		t    time.Time
		want bool
	}{
		{time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{time.Date(-1, 12, 31, 23, 59, 59, 999999999, time.UTC), false},
		{time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), true},
		{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{time.Date(10000, 1, 1, 1, 0, 0, 0, east), true}, // 9999 in UTC
		{time.Date(0, 1, 1, 1, 0, 0, 0, east), false},    // -0001 in UTC
		{time.Date(2026, 11, 29, 12, 0, 0, 0, east), true},
	} {
		if got := Writable(tt.t); got != tt.want {
			t.Errorf("Writable(%v) = %v, want %v", tt.t, got, tt.want)
		}
		if y := tt.t.UTC().Year(); (y >= 0 && y <= 9999) != tt.want {
			t.Errorf("%v: the table disagrees with its UTC year %d", tt.t, y)
		}
	}
}
