// The Static Web App that serves the dashboard (web/dist). Free SKU: no linked backend, so the
// dashboard calls the Function App's API across origins (CORS is set on the Function App).
// Content is uploaded with the SWA CLI and the deployment token (infra/README.md), not from a repo.

@description('Name of the Static Web App.')
param name string

@description('Region of the Static Web App\'s management resource (the content itself is served globally).')
param location string

@description('Tags for every resource.')
param tags object

resource staticWebApp 'Microsoft.Web/staticSites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Free'
    tier: 'Free'
  }
  properties: {
    allowConfigFileUpdates: true
    stagingEnvironmentPolicy: 'Disabled'
  }
}

output name string = staticWebApp.name
output defaultHostname string = staticWebApp.properties.defaultHostname
output url string = 'https://${staticWebApp.properties.defaultHostname}'
