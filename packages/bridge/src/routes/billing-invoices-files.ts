/**
 * Documents as files: a PDF or an FA(3) XML answered with its own media type and a file name a
 * browser saves it under, and how the OpenAPI document describes such a response (binary, not
 * JSON). Errors stay JSON in the one error shape.
 */
import type { FastifyReply } from "fastify";
import { z } from "zod";

const pdfBytes = z.string().meta({ format: "binary", description: "The PDF's bytes" });
const xmlText = z.string().meta({ description: "The FA(3) XML document (UTF-8)" });

export const pdfResponse = (description: string) => ({
  description,
  content: { "application/pdf": { schema: pdfBytes } },
});

export const xmlResponse = (description: string) => ({
  description,
  content: { "application/xml": { schema: xmlText } },
});

/** `inline`: a browser shows the PDF, and still saves it under this name. */
export function sendFile(
  reply: FastifyReply,
  type: "application/pdf" | "application/xml; charset=utf-8",
  fileName: string,
  content: Buffer | string,
): FastifyReply {
  return reply
    .type(type)
    .header("content-disposition", `inline; filename="${fileName}"`)
    .header("cache-control", "no-store")
    .send(content);
}
