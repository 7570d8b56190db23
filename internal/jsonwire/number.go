package jsonwire

// Int64 reads the number that Peek found ('-' or a digit) as Number does
// and parses it as ParseInt does, in one pass for the usual short
// integer. ok is false on a syntax error, which is in Err, and for a
// well-formed number that is not an integer within int64 (Err is nil):
// num is then its text, for the message.
func (r *Reader) Int64() (n int64, num []byte, ok bool) {
	start := r.i
	if n, end, ok := Int64At(r.data, start); ok {
		r.i = end
		return n, r.data[start:end], true
	}
	if num, ok = r.Number(); !ok {
		return 0, nil, false
	}
	n, ok = ParseInt(num)
	return n, num, ok
}

// Float64 reads the number that Peek found as Number does and parses it
// as ParseFloat does, in one pass for the usual short decimal. ok is false
// on a syntax error, which is in Err, and for a well-formed number out of
// the range of float64 (Err is nil): num is then its text.
func (r *Reader) Float64() (f float64, num []byte, ok bool) {
	start := r.i
	if f, end, ok := Float64At(r.data, start); ok {
		r.i = end
		return f, r.data[start:end], true
	}
	if num, ok = r.Number(); !ok {
		return 0, nil, false
	}
	var err error
	f, err = ParseFloat(num)
	return f, num, err == nil
}

// signed reports whether the number at d[i] has a minus sign, and where
// its digits start.
func signed(d []byte, i int) (neg bool, digits int) {
	if i < len(d) && d[i] == '-' {
		return true, i + 1
	}
	return false, i
}

// accumulate adds the decimal digits at d[i:] to u (u*10 + digit each;
// it wraps after 19 digits, which callers count and refuse) and returns u
// and the offset after the digits.
func accumulate(d []byte, i int, u uint64) (uint64, int) {
	for i < len(d) && isDigit(d[i]) {
		u = u*10 + uint64(d[i]-'0')
		i++
	}
	return u, i
}
