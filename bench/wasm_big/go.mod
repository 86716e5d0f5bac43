module big
go 1.21
