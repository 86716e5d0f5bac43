module rigworkloads

go 1.18
