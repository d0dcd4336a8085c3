; VillageDesk 村务台 — Windows installer (NSIS 3, Modern UI 2, Unicode, Simplified Chinese).
;
;   makensis /DVERSION=0.1.0 /DDIST=..\dist\villagedesk /DOUTFILE=..\dist\VillageDesk-0.1.0-setup.exe installers\villagedesk.nsi
;
; Per-user install without administrator rights into %LOCALAPPDATA%\Programs\VillageDesk.
; The village's data is NOT here: the program keeps it in %LOCALAPPDATA%\VillageDesk (database,
; backups\, settings.ini). Neither the uninstaller nor an upgrade ever touches that folder.
; An upgrade runs the older version's uninstaller silently (it removes only program files), then
; installs the new files; the data folder stays as it is and the program upgrades the database
; itself on first start (after a backup).
;
; Compile-checked on Linux by installers/check-nsis.sh (Debian's makensis, a stand-in folder);
; built for real by .github/workflows/windows.yml.

Unicode true
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma

!ifndef VERSION
  !error "give the version: /DVERSION=x.y.z (from pyproject.toml)"
!endif
!ifndef DIST
  !error "give the one-folder program: /DDIST=path\to\dist\villagedesk"
!endif
!ifndef OUTFILE
  !define OUTFILE "VillageDesk-${VERSION}-setup.exe"
!endif
!ifndef VIVERSION
  !define VIVERSION "${VERSION}.0"
!endif
!ifndef ICON
  !define ICON "..\resources\icons\villagedesk.ico"
!endif

!define APP "VillageDesk"
!define APP_ZH "村务台"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"
!define DATA_DIR "$LOCALAPPDATA\${APP}"

Name "${APP_ZH} ${APP} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
BrandingText "${APP_ZH} ${VERSION}"

VIProductVersion "${VIVERSION}"
VIAddVersionKey /LANG=2052 "ProductName" "${APP_ZH} ${APP}"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "FileDescription" "${APP_ZH} 安装程序"
VIAddVersionKey /LANG=2052 "LegalCopyright" "Apache-2.0"

!include "MUI2.nsh"
!include "LogicLib.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\villagedesk-gui.exe"
!define MUI_FINISHPAGE_RUN_TEXT "现在打开村务台"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "SimpChinese"

; An older VillageDesk: run its uninstaller silently, in place (_?=), so that it removes only the
; old program files; the data folder is never part of the program files.
Function RemoveOlderVersion
  ReadRegStr $0 HKCU "${UNINST_KEY}" "UninstallString"
  ReadRegStr $1 HKCU "${UNINST_KEY}" "InstallLocation"
  ${If} $0 == ""
    Return
  ${EndIf}
  ${If} $1 == ""
    StrCpy $1 "$INSTDIR"
  ${EndIf}
  ReadRegStr $2 HKCU "${UNINST_KEY}" "DisplayVersion"
  DetailPrint "升级：先卸载旧版本 $2（村务数据保留在 ${DATA_DIR}）"
  IfFileExists "$1\uninstall.exe" 0 done
    ExecWait '"$1\uninstall.exe" /S _?=$1' $3
    Delete "$1\uninstall.exe"
    RMDir "$1"
  done:
FunctionEnd

Section "村务台" SecMain
  SectionIn RO
  Call RemoveOlderVersion
  SetOutPath "$INSTDIR"
  File /r "${DIST}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\${APP_ZH}"
  CreateShortcut "$SMPROGRAMS\${APP_ZH}\${APP_ZH}.lnk" "$INSTDIR\villagedesk-gui.exe" "" "$INSTDIR\villagedesk-gui.exe" 0
  CreateShortcut "$SMPROGRAMS\${APP_ZH}\卸载${APP_ZH}.lnk" "$INSTDIR\uninstall.exe"
  CreateShortcut "$DESKTOP\${APP_ZH}.lnk" "$INSTDIR\villagedesk-gui.exe" "" "$INSTDIR\villagedesk-gui.exe" 0

  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP_ZH} ${APP}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${APP}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\villagedesk-gui.exe"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
SectionEnd

; Only the program's own files: the data folder ${DATA_DIR} (database, backups, settings) stays,
; and so does anything else a user put into the program folder.
Section "Uninstall"
  Delete "$DESKTOP\${APP_ZH}.lnk"
  Delete "$SMPROGRAMS\${APP_ZH}\${APP_ZH}.lnk"
  Delete "$SMPROGRAMS\${APP_ZH}\卸载${APP_ZH}.lnk"
  RMDir "$SMPROGRAMS\${APP_ZH}"

  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\villagedesk.exe"
  Delete "$INSTDIR\villagedesk-gui.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"

  DeleteRegKey HKCU "${UNINST_KEY}"
  IfSilent +2
    MessageBox MB_OK|MB_ICONINFORMATION "村务台已卸载。村里的数据和备份仍保存在：$\r$\n${DATA_DIR}$\r$\n重新安装后会自动打开这些数据。"
SectionEnd
