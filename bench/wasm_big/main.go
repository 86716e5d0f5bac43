// A deliberately large gc GOOS=wasip1 module for bench/wasm_inspect.sh:
// it links the standard library packages that dominate real services.
package main

import (
	"crypto/tls"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"text/template"
)

func main() {
	_ = tls.Config{}
	_ = http.Client{}
	_, _ = json.Marshal(os.Args)
	_, _ = xml.Marshal(os.Args)
	_ = regexp.MustCompile("a+b")
	_ = template.New("x")
	fmt.Println("@rig ready")
}
