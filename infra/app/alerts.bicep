// Mail when a batch lands in a poison queue. Azure's storage metrics cannot see one queue (QueueMessageCount
// is the whole account's, hourly), so the app measures each poison queue every 5 minutes (the PoisonWatch job of the Minute timer,
// PoisonQueueWatch) and sends the depth to Application Insights as the custom metric PoisonMessages; this
// metric alert mails the action group while it is above 0. Price (list, 2026-12): a metric alert rule is
// US$0.10 a month per time series it watches (one here); an action group costs nothing, and its first 1,000
// emails a month are free.

@description('Tags for every resource.')
param tags object

@description('Name of the action group that mails the recipients.')
param actionGroupName string

@description('Name of the metric alert rule.')
param alertRuleName string

@description('Resource id of the Application Insights component that receives the PoisonMessages metric.')
param applicationInsightsId string

@description('Who gets the mail: addresses separated by commas (the alertRecipients of main.bicep).')
param recipients string

@description('The custom metric the app reports (NetPulse.Monitoring.Storage.PoisonQueueWatch.MetricName).')
param metricName string = 'PoisonMessages'

var addresses = filter(map(split(recipients, ','), address => trim(address)), address => !empty(address))

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  // Action groups and metric alerts are global resources.
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'NetPulse'
    enabled: true
    emailReceivers: [for (address, i) in addresses: {
      name: 'mail-${i}'
      emailAddress: address
      useCommonAlertSchema: true
    }]
  }
}

resource poisonAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: alertRuleName
  location: 'global'
  tags: tags
  properties: {
    description: 'A NetPulse poison queue holds messages: the Functions log says why each was refused ("Ping batch message … refused … moved to …"); fix the cause, then redrive (README, "Poisoned batches").'
    severity: 2
    enabled: true
    scopes: [
      applicationInsightsId
    ]
    // The metric arrives every 5 minutes (PoisonWatchSchedule); a 15-minute window always holds one, and tolerates
    // a late or missed run, so the rule neither misses a poisoned batch nor resolves between two reports.
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    autoMitigate: true
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'PoisonMessagesAboveZero'
          metricNamespace: 'azure.applicationinsights'
          metricName: metricName
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
          // A custom metric exists only once the app has reported it; the rule must deploy before that.
          skipMetricValidation: true
        }
      ]
    }
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

output actionGroupId string = actionGroup.id
output alertRuleName string = poisonAlert.name
