#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# What you approve is what is sent (issue 17): a write run with -Confirm, answered by a host
# whose confirmation changes the fake's state (as someone else would on GitHub) before it
# answers Yes. The request log shows whether a write was sent, and with which exact body.

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    Import-TestModule
    $script:fake = Start-FakeGitHub
    $script:context = $script:fake.Context()

    # A host for a runspace that answers every confirmation prompt with Yes, records the prompt,
    # and first sends one HTTP request (the fake's control API), when it was given one.
    if (-not ('GitHubOidcTests.ConfirmHost' -as [type])) {
        Add-Type -TypeDefinition @'
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Net.Http;
using System.Security;
using System.Text;

namespace GitHubOidcTests
{
    public sealed class ConfirmHost : PSHost
    {
        private readonly ConfirmUI ui;
        private readonly Guid id = Guid.NewGuid();
        public ConfirmHost(string method, string url, string body) { ui = new ConfirmUI(method, url, body); }
        public List<string> Prompts => ui.Prompts;
        public List<int> ControlStatus => ui.ControlStatus;
        public override string Name => "GitHubOidcTests.ConfirmHost";
        public override Version Version => new Version(1, 0);
        public override Guid InstanceId => id;
        public override PSHostUserInterface UI => ui;
        public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
        public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
        public override void SetShouldExit(int exitCode) { }
        public override void EnterNestedPrompt() { throw new NotSupportedException(); }
        public override void ExitNestedPrompt() { throw new NotSupportedException(); }
        public override void NotifyBeginApplication() { }
        public override void NotifyEndApplication() { }
    }

    public sealed class ConfirmUI : PSHostUserInterface
    {
        private readonly string method, url, body;
        public readonly List<string> Prompts = new List<string>();
        public readonly List<int> ControlStatus = new List<int>();
        public ConfirmUI(string method, string url, string body) { this.method = method; this.url = url; this.body = body; }
        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
        {
            Prompts.Add(message);
            if (!string.IsNullOrEmpty(url))
            {
                using var client = new HttpClient();
                using var request = new HttpRequestMessage(new HttpMethod(method), url);
                if (body != null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = client.Send(request);
                ControlStatus.Add((int)response.StatusCode);
            }
            return 0; // &Yes
        }
        public override PSHostRawUserInterface RawUI => null;
        public override string ReadLine() => "";
        public override SecureString ReadLineAsSecureString() => new SecureString();
        public override void Write(string value) { }
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) { }
        public override void WriteLine(string value) { }
        public override void WriteErrorLine(string value) { }
        public override void WriteDebugLine(string message) { }
        public override void WriteProgress(long sourceId, ProgressRecord record) { }
        public override void WriteVerboseLine(string message) { }
        public override void WriteWarningLine(string message) { }
        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) =>
            throw new NotSupportedException();
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            throw new NotSupportedException();
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
            PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new NotSupportedException();
    }
}
'@
    }

    function Invoke-Confirmed {
        <#
        .SYNOPSIS
        Runs $Script (with $ctx = the fake's context) in a runspace whose host answers -Confirm
        with Yes, after sending -OnPrompt (a hashtable: Method, Path, Body) to the fake. Returns
        the prompts shown, the control answers, the output and the error records.
        #>
        param([Parameter(Mandatory)] [string] $Script, [hashtable] $OnPrompt)
        $url = if ($OnPrompt) { "$($script:fake.BaseUrl)$($OnPrompt.Path)" }
        $confirmHost = [GitHubOidcTests.ConfirmHost]::new($OnPrompt.Method, $url, $OnPrompt.Body)
        $runspace = [runspacefactory]::CreateRunspace($confirmHost)
        $runspace.Open()
        $shell = [powershell]::Create()
        $shell.Runspace = $runspace
        try {
            $null = $shell.AddScript("Import-Module '$(Get-TestModulePath)'").AddStatement()
            $null = $shell.AddCommand('Set-Variable').AddParameter('Name', 'ctx').AddParameter('Value', $script:context).AddStatement()
            $null = $shell.AddScript($Script)
            $output = $shell.Invoke()
            [pscustomobject]@{
                Prompts       = @($confirmHost.Prompts)
                ControlStatus = @($confirmHost.ControlStatus)
                Output        = @($output)
                Errors        = @($shell.Streams.Error)
            }
        } finally {
            $shell.Dispose()
            $runspace.Dispose()
        }
    }

    function Get-ChangedFakeState {
        <#
        .SYNOPSIS
        The fake's state, with custom-org/own-template's keys replaced (JSON for PUT /_fake/state).
        #>
        param([string[]] $Keys)
        $state = Invoke-RestMethod -Uri "$($script:fake.BaseUrl)/_fake/state"
        $repo = @($state.repos | Where-Object { $_.owner -eq 'custom-org' -and $_.name -eq 'own-template' })[0]
        $repo.include_claim_keys = $Keys
        ConvertTo-Json -InputObject $state -Depth 30 -Compress
    }

    $script:put = '/repos/custom-org/own-template/actions/oidc/customization/sub'
    # On its own, the immutable flag keeps the repository's current template: the body is computed from it.
    $script:setImmutable = 'Set-GitHubOidcSubjectClaim -Owner custom-org -Repository own-template -UseImmutableSubject $true -Context $ctx -Confirm'
}

AfterAll {
    Stop-FakeGitHub -Fake $script:fake
}

Describe 'What -Confirm shows is what is sent' {
    BeforeEach {
        Reset-FakeGitHub -Fake $script:fake
    }

    It 'sends nothing and says why when the template the body kept changed after the prompt' {
        $changed = Get-ChangedFakeState -Keys repo, context, environment
        $run = Invoke-Confirmed -Script $script:setImmutable `
            -OnPrompt @{ Method = 'PUT'; Path = '/_fake/state'; Body = $changed }

        $run.Prompts | Should -HaveCount 1
        $approvedBody = '{"use_default":false,"include_claim_keys":["repo","context","job_workflow_ref"],"use_immutable_subject":true}'
        $approved = "PUT $($script:fake.BaseUrl)$($script:put) $approvedBody"
        $run.Prompts[0] | Should -Match ([regex]::Escape("($approved)"))
        $run.ControlStatus | Should -Be @(204) -Because 'the state changed between the prompt and the send'

        # Nothing was written: no PUT at all reached the repository's template.
        @(Get-FakeRequests -Fake $script:fake -Method PUT -PathLike $script:put) | Should -HaveCount 0
        # The state was read again right before the (refused) send: dry run + apply.
        @(Get-FakeRequests -Fake $script:fake -Method GET -PathLike $script:put).Count | Should -Be 2
        $now = (Invoke-RestMethod -Uri "$($script:fake.BaseUrl)/_fake/state").repos | Where-Object name -EQ 'own-template'
        $now.include_claim_keys | Should -Be @('repo', 'context', 'environment') -Because 'the other change is kept, not overwritten'

        $run.Errors | Should -HaveCount 1
        $record = $run.Errors[0]
        $record.FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.Conflict,*'
        $record.CategoryInfo.Category | Should -Be 'InvalidOperation'
        $record.TargetObject | Should -Be 'custom-org/own-template'
        $what = 'the current template of repository custom-org/own-template or of organization custom-org'
        $record.Exception.Message | Should -Match ('^' + [regex]::Escape("Not sent: $what changed on GitHub after the request $approved was shown"))
        $record.Exception.Message | Should -Match ([regex]::Escape('"environment"],"use_immutable_subject":true}') + '.*Nothing was written')
        $record.ErrorDetails.RecommendedAction | Should -BeLike '*Run the command again*'
        "$($record.Exception.Message) $($record.ErrorDetails.RecommendedAction)" | Should -Not -BeLike '*test-admin-token*'
        $run.Output | Should -HaveCount 0
    }

    It 'sends exactly the body the prompt showed when nothing changed' {
        # The host still calls the control API (a read), so the timing is the same as above.
        $run = Invoke-Confirmed -Script $script:setImmutable `
            -OnPrompt @{ Method = 'GET'; Path = '/_fake/state' }

        $run.Errors | Should -HaveCount 0
        $run.Prompts | Should -HaveCount 1
        $run.Prompts[0] -match '\(PUT (\S+) (\{.*\})\)' | Should -BeTrue
        $shownUrl = $Matches[1]
        $shownBody = $Matches[2]
        $puts = @(Get-FakeRequests -Fake $script:fake -Method PUT -PathLike $script:put)
        $puts | Should -HaveCount 1
        $puts[0].raw_body | Should -BeExactly $shownBody
        $shownUrl | Should -BeExactly "$($script:fake.BaseUrl)$($puts[0].path)"
    }

    It 'sends the approved body of a write that reads no state, whatever changed' {
        # -IncludeClaimKeys: the body comes from the request alone.
        $changed = Get-ChangedFakeState -Keys repo, context, environment
        $setKeys = 'Set-GitHubOidcSubjectClaim -Owner custom-org -Repository own-template -IncludeClaimKeys repo, context -Context $ctx -Confirm'
        $run = Invoke-Confirmed -Script $setKeys `
            -OnPrompt @{ Method = 'PUT'; Path = '/_fake/state'; Body = $changed }

        $run.Errors | Should -HaveCount 0
        $run.Prompts[0] -match '\(PUT \S+ (\{.*\})\)' | Should -BeTrue
        $puts = @(Get-FakeRequests -Fake $script:fake -Method PUT -PathLike $script:put)
        $puts | Should -HaveCount 1
        $puts[0].raw_body | Should -BeExactly $Matches[1]
        $puts[0].raw_body | Should -BeExactly '{"use_default":false,"include_claim_keys":["repo","context"]}'
    }

    It 'Sync-GitHubOidcConfiguration sends each write as its prompt showed it' {
        $path = Join-Path $TestDrive 'desired.json'
        Export-GitHubOidcConfiguration -Owner custom-org -Path $path -Context $script:context -ErrorAction Stop
        $doc = Get-Content -LiteralPath $path -Raw | ConvertFrom-Json -AsHashtable
        $doc.Repositories['own-template'] = @{ IncludeClaimKeys = @('repo', 'environment') }
        Set-Content -LiteralPath $path -Value ($doc | ConvertTo-Json -Depth 10) -Encoding utf8NoBOM
        Clear-FakeRequests -Fake $script:fake
        $run = Invoke-Confirmed -Script "Sync-GitHubOidcConfiguration -Path '$path' -Context `$ctx -WriteInterval 0 -Confirm" `
            -OnPrompt @{ Method = 'GET'; Path = '/_fake/state' }
        $run.Errors | Should -HaveCount 0
        $run.Prompts | Should -HaveCount 1
        $run.Prompts[0] -match '\(PUT \S+ (\{.*\})\)' | Should -BeTrue
        $puts = @(Get-FakeRequests -Fake $script:fake -Method PUT -PathLike $script:put)
        $puts | Should -HaveCount 1
        $puts[0].raw_body | Should -BeExactly $Matches[1]
    }
}
