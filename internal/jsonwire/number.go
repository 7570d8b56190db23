package jsonwire

// Int64 reads the number that Peek found ('-' or a digit) as Number does
// and parses it as ParseInt does, in one pass for the usual short
// integer. ok is false on a syntax error, which is in Err, and for a
// well-formed number that is not an integer within int64 (Err is nil):
// num is then its text, for the message.
func (r *Reader) Int64() (n int64, num []byte, ok bool) {
	d, start := r.data, r.i
	i := start
	neg := i < len(d) && d[i] == '-'
	if neg {
		i++
	}
	var u uint64
	first := i
	for i < len(d) && isDigit(d[i]) {
		u = u*10 + uint64(d[i]-'0')
		i++
	}
	// The short path holds for 1 to 18 digits without a leading zero (or
	// "0" alone), followed by no fraction or exponent: then the number is
	// well formed and u is exact.
	if digits := i - first; digits == 0 || digits > 18 || (d[first] == '0' && digits > 1) ||
		(i < len(d) && (d[i] == '.' || d[i] == 'e' || d[i] == 'E')) {
		if num, ok = r.Number(); !ok {
			return 0, nil, false
		}
		n, ok = ParseInt(num)
		return n, num, ok
	}
	r.i = i
	if neg {
		return -int64(u), d[start:i], true
	}
	return int64(u), d[start:i], true
}

// Float64 reads the number that Peek found as Number does and parses it
// as ParseFloat does, in one pass for the usual short decimal. ok is false
// on a syntax error, which is in Err, and for a well-formed number out of
// the range of float64 (Err is nil): num is then its text.
func (r *Reader) Float64() (f float64, num []byte, ok bool) {
	d, start := r.data, r.i
	i := start
	neg := i < len(d) && d[i] == '-'
	if neg {
		i++
	}
	var m uint64
	first := i
	for i < len(d) && isDigit(d[i]) {
		m = m*10 + uint64(d[i]-'0')
		i++
	}
	intDigits, fracDigits, dot := i-first, 0, false
	if i < len(d) && d[i] == '.' {
		dot = true
		i++
		fracStart := i
		for i < len(d) && isDigit(d[i]) {
			m = m*10 + uint64(d[i]-'0')
			i++
		}
		fracDigits = i - fracStart
	}
	// The short path is ParseFloat's: at most 15 digits and no exponent,
	// so m and the power of ten are exact and one division rounds
	// correctly. It also requires the form to be well formed.
	if intDigits == 0 || (d[first] == '0' && intDigits > 1) || (dot && fracDigits == 0) ||
		intDigits+fracDigits > 15 || (i < len(d) && (d[i] == 'e' || d[i] == 'E')) {
		if num, ok = r.Number(); !ok {
			return 0, nil, false
		}
		var err error
		f, err = ParseFloat(num)
		return f, num, err == nil
	}
	r.i = i
	f = float64(m)
	if fracDigits > 0 {
		f /= pow10[fracDigits]
	}
	if neg {
		f = -f
	}
	return f, d[start:i], true
}
