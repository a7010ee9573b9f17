export { exportInvoiceFa3 } from "./export.js";
export {
  FA3_NAMESPACE,
  FA3_SCHEMA_VERSION,
  FA3_SYSTEM_CODE,
  type Fa3Options,
  invoiceToFa3Xml,
} from "./fa3.js";
export { escapeXml, XmlWriter } from "./xml-writer.js";
