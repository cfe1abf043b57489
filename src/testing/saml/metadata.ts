/**
 * SAML metadata, only as far as this server needs it: an IdP's `entityID` (what the admin API keys SSO
 * providers by) and this server's own SP metadata.
 * @module
 */
import { badRequest, unhandled } from '../server/respond.js'

const ENTITY_DESCRIPTOR = /<(?:[\w-]+:)?EntityDescriptor\b([^>]*)>/
const ENTITY_ID = /\bentityID\s*=\s*(?:"([^"]*)"|'([^']*)')/
const IDP_DESCRIPTOR = /<(?:[\w-]+:)?IDPSSODescriptor\b/g

/** The `entityID` of IdP metadata, with GoTrue's errors for metadata it would refuse. */
export function idpEntityId(xml: string): string {
  if (xml.includes('\uFFFD')) {
    throw badRequest('SAML Metadata XML contains invalid UTF-8 characters, which are not supported at this time')
  }
  const descriptor = ENTITY_DESCRIPTOR.exec(xml)
  // The XML parser's own error is a plain Go error, answered as a bare 500.
  if (!descriptor) throw unhandled()
  const match = ENTITY_ID.exec(descriptor[1] ?? '')
  const entityId = match?.[1] ?? match?.[2] ?? ''
  if (!entityId) throw badRequest('SAML Metadata does not contain an EntityID')
  const idps = xml.match(IDP_DESCRIPTOR)?.length ?? 0
  if (idps < 1) throw badRequest('SAML Metadata does not contain any IDPSSODescriptor')
  if (idps > 1) throw badRequest('SAML Metadata contains multiple IDPSSODescriptors')
  return entityId
}

const escapeXml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** This server as a SAML service provider (`GET /sso/saml/metadata`). */
export function serviceProviderMetadata(baseUrl: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${escapeXml(`${baseUrl}/sso/saml/metadata`)}">
  <SPSSODescriptor AuthnRequestsSigned="false" WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</NameIDFormat>
    <AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${escapeXml(`${baseUrl}/sso/saml/acs`)}" index="1"/>
  </SPSSODescriptor>
</EntityDescriptor>
`
}
