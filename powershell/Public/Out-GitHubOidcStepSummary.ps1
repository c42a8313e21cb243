function Out-GitHubOidcStepSummary {
    <#
        .SYNOPSIS
        Appends the module's results to the GitHub Actions job summary as Markdown, and annotates denials and drift.

        .DESCRIPTION
        Takes the module's result objects from the pipeline and appends a readable Markdown
        rendering to the job summary ($env:GITHUB_STEP_SUMMARY), where a workflow author looks:

        - GitHubOidc.Token (Get-GitHubOidcToken, ConvertFrom-GitHubOidcToken) and
          GitHubOidc.TokenVerification (Test-GitHubOidcToken): whether it is valid, and its claims;
        - GitHubOidc.TrustResult (Test-GitHubOidcTrustPolicy): a verdict per subject, and for a
          denial each failing condition with its expected and actual values;
        - GitHubOidc.Subject (Resolve-GitHubOidcSubject), GitHubOidc.RepositoryState
          (Get-GitHubOidcRepository), GitHubOidc.ConfigurationDifference
          (Compare-GitHubOidcConfiguration) and GitHubOidc.SyncResult
          (Sync-GitHubOidcConfiguration): one table each.

        Objects of one kind make one table, in the order the kinds first arrive; the summary is
        written once, when the pipeline ends. Values are escaped, so a claim cannot break the
        table or add a link. The raw token is never written.

        Under GitHub Actions (GITHUB_ACTIONS=true) a denial, an invalid token, a failed write and
        a subject the live template does not predict are also written as ::error annotations, and
        each configuration difference as a ::warning, escaped as the runner requires.

        .PARAMETER InputObject
        The result objects, from the pipeline.

        .PARAMETER Path
        Write the Markdown to this file (appended) instead of $env:GITHUB_STEP_SUMMARY, e.g. on a
        workstation.

        .PARAMETER Title
        A heading written before the tables.

        .PARAMETER PassThru
        Pass the input objects on down the pipeline.

        .EXAMPLE
        Get-GitHubOidcToken -Audience sts.amazonaws.com | Test-GitHubOidcTrustPolicy -Provider Aws -Path role.json | Out-GitHubOidcStepSummary

        Inside a job: the verdict of the role's trust policy on the job's real token, with the
        reasons of a denial, in the job summary (and an ::error annotation on a denial).

        .EXAMPLE
        Compare-GitHubOidcConfiguration -Path ./oidc/octo-org.json | Out-GitHubOidcStepSummary -PassThru | Export-Csv drift.csv

        The drift of an organization in the job summary, and passed on.

        .EXAMPLE
        Get-GitHubOidcRepository -Owner octo-org | Out-GitHubOidcStepSummary -Path ./oidc-report.md

        Outside Actions: the same Markdown into a file.

        .OUTPUTS
        None, or with -PassThru the input objects.

        .NOTES
        The job summary is at most 1 MiB per step; a very large inventory is better as an
        artifact (Export-Csv) with a summary of its differences. Annotations: at most 10 errors
        and 10 warnings per step are shown by GitHub.

        .LINK
        Get-GitHubOidcToken

        .LINK
        Test-GitHubOidcTrustPolicy

        .LINK
        https://docs.github.com/actions/reference/workflows-and-actions/workflow-commands
    #>
    [Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingWriteHost', '',
        Justification = 'Workflow commands (::error::) are read by the runner from the step''s output, not from the pipeline.')]
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        # The result objects.
        [Parameter(Mandatory, ValueFromPipeline)]
        [AllowNull()]
        [object] $InputObject,

        # Write the Markdown to this file instead of GITHUB_STEP_SUMMARY.
        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $Path,

        # A heading before the tables.
        [Parameter()]
        [ValidateNotNullOrEmpty()]
        [string] $Title,

        # Pass the input objects on.
        [Parameter()]
        [switch] $PassThru
    )

    begin {
        $target = if ($Path) {
            $Path
        } else {
            [System.Environment]::GetEnvironmentVariable('GITHUB_STEP_SUMMARY')
        }
        if (-not $target) {
            $PSCmdlet.ThrowTerminatingError((New-GitHubOidcErrorRecord -TargetObject 'GITHUB_STEP_SUMMARY' -Message (
                        'GITHUB_STEP_SUMMARY is not set: this is not running inside a GitHub Actions job step. ' +
                        'Pass -Path to write the Markdown to a file instead.')))
        }
        if ($Path) {
            $target = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($Path)
        }
        $groups = [ordered]@{}
    }

    process {
        if ($null -eq $InputObject) { return }
        $kind = Get-GitHubOidcSummaryKind -InputObject $InputObject
        if (-not $kind) {
            $type = @($InputObject.PSObject.TypeNames)[0]
            $PSCmdlet.WriteError((New-GitHubOidcErrorRecord -TargetObject $type -Message (
                        "Out-GitHubOidcStepSummary renders the module's result objects (tokens, trust results, subjects, repository states, " +
                        "configuration differences, sync results), not [$type].")))
        } else {
            if (-not $groups.Contains($kind)) { $groups[$kind] = [System.Collections.Generic.List[object]]::new() }
            $groups[$kind].Add($InputObject)
        }
        if ($PassThru) { $InputObject }
    }

    end {
        if ($groups.Count -eq 0 -and -not $Title) { return }
        $actions = [System.Environment]::GetEnvironmentVariable('GITHUB_ACTIONS') -eq 'true'
        $rendered = ConvertTo-GitHubOidcSummaryMarkdown -Group $groups -Title $Title
        try {
            [System.IO.File]::AppendAllText($target, $rendered.Markdown, [System.Text.UTF8Encoding]::new($false))
        } catch {
            $PSCmdlet.ThrowTerminatingError((New-GitHubOidcErrorRecord -TargetObject $target -Message (
                        "The summary could not be written to '$target': $($_.Exception.Message)")))
        }
        Write-Verbose "GitHubOidc: wrote $($rendered.Markdown.Length) characters of Markdown to $target."
        if ($actions) {
            foreach ($annotation in $rendered.Annotations) {
                $properties = if ($annotation.Title) { ' title=' + (ConvertTo-GitHubOidcEscapedText $annotation.Title -As Property) } else { '' }
                # A workflow command is read by the runner from the step's output.
                Write-Host ('::{0}{1}::{2}' -f $annotation.Level, $properties, (ConvertTo-GitHubOidcEscapedText $annotation.Message -As Data))
            }
        }
    }
}
