// Kubernetes protobuf request bodies (application/vnd.kubernetes.protobuf) decoded to JSON objects.
export {
  PROTOBUF_CONTENT_TYPE, PROTOBUF_MAGIC, decodeKubernetesProtobuf, hasProtobufMagic, readEnvelope,
  type DecodedProtobuf, type ProtobufEnvelope,
} from './decode.js';
