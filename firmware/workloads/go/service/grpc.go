package main

import (
	"context"
	"crypto/sha256"
	"sync/atomic"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// The gRPC service, described by hand (no protoc step): rig.Svc/Hash takes
// and returns google.protobuf.BytesValue, a message every protobuf runtime
// has, so a client needs no generated code either (rig load sends its
// encoded bytes from a file).
type hashServer interface {
	Hash(context.Context, *wrapperspb.BytesValue) (*wrapperspb.BytesValue, error)
}

type svc struct{}

// Hash: SHA-256 of the value; INVALID_ARGUMENT for an empty value.
func (svc) Hash(ctx context.Context, in *wrapperspb.BytesValue) (*wrapperspb.BytesValue, error) {
	atomic.AddUint64(&served, 1)
	if len(in.GetValue()) == 0 {
		requests.WithLabelValues("/rig.Svc/Hash:error").Inc()
		return nil, status.Error(codes.InvalidArgument, "rig.Svc/Hash: empty value")
	}
	requests.WithLabelValues("/rig.Svc/Hash").Inc()
	sum := sha256.Sum256(in.GetValue())
	return wrapperspb.Bytes(sum[:]), nil
}

func hashHandler(srv interface{}, ctx context.Context, dec func(interface{}) error, icp grpc.UnaryServerInterceptor) (interface{}, error) {
	in := new(wrapperspb.BytesValue)
	if err := dec(in); err != nil {
		return nil, err
	}
	if icp == nil {
		return srv.(hashServer).Hash(ctx, in)
	}
	info := &grpc.UnaryServerInfo{Server: srv, FullMethod: "/rig.Svc/Hash"}
	return icp(ctx, in, info, func(ctx context.Context, req interface{}) (interface{}, error) {
		return srv.(hashServer).Hash(ctx, req.(*wrapperspb.BytesValue))
	})
}

var svcDesc = grpc.ServiceDesc{
	ServiceName: "rig.Svc",
	HandlerType: (*hashServer)(nil),
	Methods:     []grpc.MethodDesc{{MethodName: "Hash", Handler: hashHandler}},
	Streams:     []grpc.StreamDesc{},
	Metadata:    "rig_svc.proto",
}

func registerHash(s *grpc.Server) { s.RegisterService(&svcDesc, svc{}) }
