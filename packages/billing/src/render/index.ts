export { checkLogo, type Logo } from "./engine.js";
export { renderInvoicePdf } from "./invoice.js";
export { documentFileName } from "./names.js";
export { type ProformaRenderOptions, renderProformaPdf } from "./proforma.js";
