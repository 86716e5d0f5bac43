// hello: the startup measure. Prints ready and done 0, nothing else.
package main

import "rigworkloads/rigreport"

func main() {
	rigreport.Ready()
	rigreport.Done(0)
}
